import { freeUnits } from '../agent/capacity';
import { AgentState } from '../agent/state';
import { ConversationState } from '../conversation/state';

export interface Candidate {
  agent: AgentState;
  /** Store position of the agent's last assignment (0 = never): the round-robin order. */
  lastAssignedPosition: number;
}

/**
 * Push distribution's choice for one open conversation (the Dynamics default): among queue members
 * who are available with room for it, the one with the most free capacity, ties broken round-robin
 * (least recently assigned first). Keep-same-agent waits for the last primary agent while they are signed in.
 */
export const chooseAgent = (conversation: ConversationState, candidates: Candidate[]): string | undefined => {
  const units = conversation.settings.capacityUnits;
  const declined = new Set(conversation.declinedBy ?? []);
  let pool = candidates;
  const last = conversation.settings.keepSameAgent ? conversation.lastPrimaryAgentId : undefined;
  const lastAgent = last && candidates.find((c) => c.agent.id === last);
  // Wait for the last agent only while they could take it: signed in, in its queue, and they have not declined it.
  const waitFor =
    lastAgent &&
    lastAgent.agent.presence !== 'offline' &&
    lastAgent.agent.queueIds.includes(conversation.queueId) &&
    !declined.has(lastAgent.agent.id);
  if (waitFor) pool = [lastAgent];
  const eligible = pool.filter(
    ({ agent }) =>
      agent.presence === 'available' &&
      agent.queueIds.includes(conversation.queueId) &&
      freeUnits(agent) >= units &&
      !declined.has(agent.id),
  );
  eligible.sort(
    (a, b) =>
      freeUnits(b.agent) - freeUnits(a.agent) ||
      a.lastAssignedPosition - b.lastAssignedPosition ||
      a.agent.id.localeCompare(b.agent.id),
  );
  return eligible[0]?.agent.id;
};
