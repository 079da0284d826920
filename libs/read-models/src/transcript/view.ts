/** One message of a conversation's transcript (`GET /conversations/{id}/transcript`). */
export interface TranscriptMessage {
  position: number;
  sender: 'customer' | 'agent';
  /** The agent who wrote it; null for the customer's. */
  agentId: string | null;
  text: string;
  at: string;
}
