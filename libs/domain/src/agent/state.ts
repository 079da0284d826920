import { AgentEvent, HoldReason, Presence } from './events';

export interface CapacityHold {
  conversationId: string;
  units: number;
  reason: HoldReason;
  until?: string;
}

export interface AgentState {
  id: string;
  name: string;
  capacityUnits: number;
  queueIds: string[];
  presence: Presence;
  /** Keyed by conversation: one conversation can never be counted twice. */
  holds: Record<string, CapacityHold>;
}

export const evolveAgent = (state: AgentState | undefined, event: AgentEvent): AgentState => {
  switch (event.type) {
    case 'agent.configured': {
      const { agentId, name, capacityUnits, queueIds } = event.data;
      return { presence: 'offline', holds: {}, ...state, id: agentId, name, capacityUnits, queueIds };
    }
    case 'agent.presence_changed':
      return { ...required(state, event), presence: event.data.status };
    case 'agent.capacity_held': {
      const { conversationId, units, reason, until } = event.data;
      const s = required(state, event);
      return {
        ...s,
        holds: { ...s.holds, [conversationId]: { conversationId, units, reason, ...(until && { until }) } },
      };
    }
    case 'agent.capacity_released': {
      const s = required(state, event);
      const { [event.data.conversationId]: _released, ...holds } = s.holds;
      return { ...s, holds };
    }
  }
};

const required = (state: AgentState | undefined, event: AgentEvent): AgentState => {
  if (!state) throw new Error(`${event.type} before agent.configured for agent ${event.data.agentId}`);
  return state;
};
