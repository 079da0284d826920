import { AgentState, freeUnits, usedUnits } from '#domain';

export interface CapacityHoldView {
  conversationId: string;
  units: number;
  reason: 'active' | 'wrap_up';
  /** When a wrap-up hold ends by itself. */
  until?: string;
}

/** The contract's view of an agent's capacity (`GET /agents/{id}/capacity`). */
export interface CapacityView {
  agentId: string;
  totalUnits: number;
  usedUnits: number;
  freeUnits: number;
  holds: CapacityHoldView[];
}

export const capacityView = (agent: AgentState): CapacityView => ({
  agentId: agent.id,
  totalUnits: agent.capacityUnits,
  usedUnits: usedUnits(agent),
  freeUnits: freeUnits(agent),
  holds: Object.values(agent.holds).map(({ conversationId, units, reason, until }) => ({
    conversationId,
    units,
    reason,
    ...(until && { until }),
  })),
});
