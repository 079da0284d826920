import { SupervisorAction } from '../shared/supervisor';

export const PRESENCES = ['available', 'busy', 'away', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

export type HoldReason = 'active' | 'wrap_up';

export interface AgentEventMap {
  'agent.configured': { agentId: string; name: string; capacityUnits: number; queueIds: string[] };
  'agent.presence_changed': { agentId: string; status: Presence; supervisor?: SupervisorAction };
  /** The agent's units are (now) held by this conversation; replaces any earlier hold of it. */
  'agent.capacity_held': {
    agentId: string;
    conversationId: string;
    units: number;
    reason: HoldReason;
    until?: string;
  };
  'agent.capacity_released': { agentId: string; conversationId: string; units: number; reason: string };
}

export type AgentEventType = keyof AgentEventMap;
export type AgentEvent = { [K in AgentEventType]: { type: K; data: AgentEventMap[K]; at: string } }[AgentEventType];

export const agentEvent = <K extends AgentEventType>(type: K, data: AgentEventMap[K], at: string) =>
  ({ type, data, at }) as Extract<AgentEvent, { type: K }>;
