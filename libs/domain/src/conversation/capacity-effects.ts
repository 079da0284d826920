import { AgentEvent, agentEvent } from '../agent/events';
import { AgentState } from '../agent/state';
import { addSeconds } from '../shared/time';
import { ConversationState } from './state';

export const hold = (agentId: string, s: ConversationState, at: string): AgentEvent =>
  agentEvent(
    'agent.capacity_held',
    { agentId, conversationId: s.id, units: s.settings.capacityUnits, reason: 'active' },
    at,
  );

/** Releases whatever the conversation holds now; nothing when it holds nothing. */
export const releaseHeld = (
  s: ConversationState,
  agents: ReadonlyMap<string, AgentState>,
  reason: string,
  at: string,
): AgentEvent[] => {
  const holder = s.capacityHolder && agents.get(s.capacityHolder);
  const held = holder && holder.holds[s.id];
  if (!holder || !held) return [];
  return [
    agentEvent('agent.capacity_released', { agentId: holder.id, conversationId: s.id, units: held.units, reason }, at),
  ];
};

/** Moving from active to wrap_up: the workstream's wrap-up capacity block decides what stays held. */
export const wrapUpCapacity = (
  s: ConversationState,
  agents: ReadonlyMap<string, AgentState>,
  at: string,
): AgentEvent[] => {
  const block = s.settings.wrapUpCapacityBlock;
  if (block === 'never') return releaseHeld(s, agents, 'wrap_up_not_blocking', at);
  const held = s.capacityHolder && agents.get(s.capacityHolder)?.holds[s.id];
  if (!held) return [];
  const until = block === 'always' ? undefined : addSeconds(at, block.minutes * 60);
  return [
    agentEvent(
      'agent.capacity_held',
      {
        agentId: s.capacityHolder!,
        conversationId: s.id,
        units: held.units,
        reason: 'wrap_up',
        ...(until && { until }),
      },
      at,
    ),
  ];
};
