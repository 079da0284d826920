import { Presence } from '#domain';
import { CapacityHoldView } from '../agents/view';

export interface AgentStatistics {
  agentId: string;
  name: string;
  /** The queues the agent serves: a supervisor's agent picker offers only the conversation's queue's agents. */
  queueIds: string[];
  presence: Presence;
  presenceSince: string;
  presenceSeconds: number;
  totalUnits: number;
  usedUnits: number;
  freeUnits: number;
  holds: CapacityHoldView[];
}

/** Agents per presence (`GET /statistics/agents` `byPresence`). */
export type PresenceCounts = Record<Presence, number>;
