import { AgentEvent } from '../agent/events';
import { AgentState, evolveAgent } from '../agent/state';
import { Decided } from './decided';
import { evolveConversation } from './evolve';
import { ConversationState } from './state';

/**
 * The part of a decision's context that its own events change: the conversation and the agents whose capacity
 * it holds or may hold. Command handling builds it from the streams it loaded and folds the decision into it to
 * answer the state after; the specs fold their given facts and the decisions into it. One fold for both.
 */
export interface Folded {
  conversation?: ConversationState;
  agents: ReadonlyMap<string, AgentState>;
}

const isAgentEvent = (event: Decided): event is AgentEvent => event.type.startsWith('agent.');

/** Conversation events to the conversation, capacity events to their agent. */
export const evolveFolded = ({ conversation, agents }: Folded, event: Decided): Folded => {
  if (!isAgentEvent(event)) return { conversation: evolveConversation(conversation, event), agents };
  const next = new Map(agents);
  next.set(event.data.agentId, evolveAgent(agents.get(event.data.agentId), event));
  return { conversation, agents: next };
};

export const fold = (events: Decided[], from: Folded = { agents: new Map() }): Folded =>
  events.reduce(evolveFolded, from);

/** The context's agents from the states loaded: those that exist, by id. */
export const agentsById = (states: (AgentState | undefined)[]): ReadonlyMap<string, AgentState> => {
  // A loop, not flatMap: this runs for every command, and flatMap's arrays showed in its profile.
  const byId = new Map<string, AgentState>();
  for (const state of states) if (state) byId.set(state.id, state);
  return byId;
};
