/** The events by which an agent comes to hold a conversation (T1, T2, T16, X2). */
const TAKEN = new Set(['conversation.picked', 'conversation.assigned', 'conversation.resumed']);

/** Whether the agent holds or once held the conversation, from its audit trail. */
export const heldBy = (trail: { type: string; data: Record<string, unknown> }[], agentId: string): boolean =>
  trail.some(
    ({ type, data }) =>
      (TAKEN.has(type) && data.agentId === agentId) ||
      (type === 'conversation.transferred_to_agent' && data.toAgentId === agentId),
  );
