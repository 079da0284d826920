import { Presence } from './events';

export type AgentCommand =
  | { type: 'configureAgent'; agentId: string; name: string; capacityUnits: number; queueIds: string[] }
  | { type: 'changePresence'; agentId: string; status: Presence };
