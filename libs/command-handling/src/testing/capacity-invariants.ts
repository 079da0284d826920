/**
 * Replays the whole store and checks the capacity rules at every step:
 * - after each `agent.capacity_held`, the agent's used units are within their capacity at that moment
 *   (a hold that replaces the conversation's earlier hold of the same units, e.g. active → wrap_up, adds nothing);
 * - a conversation is never held by two agents at once;
 * - at the end, every conversation and the agents' holds agree: its capacity holder holds it, nobody else does.
 */
import {
  AgentEvent,
  AgentState,
  ConversationEvent,
  ConversationState,
  evolveAgent,
  evolveConversation,
  usedUnits,
} from '#domain';
import { EventStore, StoredEvent } from '#event-store';
import { toDomainEvent } from '#event-envelope';

export interface Replayed {
  agents: Map<string, AgentState>;
  conversations: Map<string, ConversationState>;
  /** Every `agent.capacity_held` seen. */
  holds: number;
  /** Agents an operator reconfigured to less capacity than they were using (allowed: nothing new fits until it frees). */
  loweredBelowUse: Set<string>;
  violations: string[];
}

export const readEverything = async (store: EventStore): Promise<StoredEvent[]> => {
  const all: StoredEvent[] = [];
  for (;;) {
    const batch = await store.readAll(all.length ? all[all.length - 1].position : 0, 1000);
    if (batch.length === 0) return all;
    all.push(...batch);
  }
};

export const replayCapacity = (events: StoredEvent[]): Replayed => {
  const agents = new Map<string, AgentState>();
  const conversations = new Map<string, ConversationState>();
  const violations: string[] = [];
  const loweredBelowUse = new Set<string>();
  let holds = 0;
  for (const stored of events) {
    if (stored.type.startsWith('conversation.')) {
      const event = toDomainEvent(stored) as ConversationEvent;
      conversations.set(
        event.data.conversationId,
        evolveConversation(conversations.get(event.data.conversationId), event),
      );
      continue;
    }
    if (!stored.type.startsWith('agent.')) continue;
    const event = toDomainEvent(stored) as AgentEvent;
    const id = event.data.agentId;
    const before = agents.get(id);
    const after = evolveAgent(before, event);
    agents.set(id, after);
    if (event.type === 'agent.configured' && usedUnits(after) > after.capacityUnits) loweredBelowUse.add(id);
    if (event.type !== 'agent.capacity_held') continue;
    holds++;
    const { conversationId, units } = event.data;
    const where = `at position ${stored.position} (${id} holds ${conversationId} for ${units} units, ${event.data.reason})`;
    const replaced = before?.holds[conversationId];
    const addsNothing = replaced !== undefined && replaced.units === units;
    if (usedUnits(after) > after.capacityUnits && !addsNothing) {
      violations.push(`${where}: ${id} uses ${usedUnits(after)} of ${after.capacityUnits} units`);
    }
    const others = [...agents.values()].filter((a) => a.id !== id && a.holds[conversationId]).map((a) => a.id);
    if (others.length) violations.push(`${where}: ${conversationId} is held by ${others.join(', ')} too`);
  }
  violations.push(...disagreements(conversations, agents));
  return { agents, conversations, holds, loweredBelowUse, violations };
};

/** Where the conversations' capacity holders and the agents' holds disagree. */
export const disagreements = (
  conversations: Map<string, ConversationState>,
  agents: Map<string, AgentState>,
): string[] => {
  const found: string[] = [];
  for (const c of conversations.values()) {
    const holding = [...agents.values()].filter((a) => a.holds[c.id]).map((a) => a.id);
    const expected = c.capacityHolder ? [c.capacityHolder] : [];
    if (holding.join() !== expected.join()) {
      found.push(`${c.id} (${c.status}) has capacity holder [${expected}] but is held by [${holding}]`);
    }
    for (const id of holding) {
      const units = agents.get(id)!.holds[c.id].units;
      if (units !== c.settings.capacityUnits)
        found.push(`${id} holds ${c.id} for ${units} units, its workstream says ${c.settings.capacityUnits}`);
    }
    if (c.status === 'active' && c.primaryAgentId && c.capacityHolder !== c.primaryAgentId) {
      found.push(`${c.id} is active with ${c.primaryAgentId} but its capacity holder is ${c.capacityHolder}`);
    }
    if ((c.status === 'open' || c.status === 'waiting' || c.status === 'closed') && c.capacityHolder) {
      found.push(`${c.id} is ${c.status} yet holds ${c.capacityHolder}'s capacity`);
    }
  }
  for (const agent of agents.values()) {
    for (const conversationId of Object.keys(agent.holds)) {
      if (!conversations.has(conversationId)) found.push(`${agent.id} holds unknown conversation ${conversationId}`);
    }
  }
  return found;
};
