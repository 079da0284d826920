import { SupervisorAction } from '../shared/supervisor';
import { Presence } from './events';

export type AgentCommand =
  | { type: 'configureAgent'; agentId: string; name: string; capacityUnits: number; queueIds: string[] }
  /** `supervisor` when a supervisor changes another's presence (S4: signing an agent out). */
  | { type: 'changePresence'; agentId: string; status: Presence; supervisor?: SupervisorAction };
