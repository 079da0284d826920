/** An agent who holds or once held a conversation: what lets an agent read it. */
export interface ConversationHolder {
  conversationId: string;
  agentId: string;
}
