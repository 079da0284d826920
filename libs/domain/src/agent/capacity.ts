import { AgentState } from './state';

export const usedUnits = (agent: AgentState): number =>
  Object.values(agent.holds).reduce((sum, hold) => sum + hold.units, 0);

/** Never negative, even when an operator lowers an agent's capacity below what is in use. */
export const freeUnits = (agent: AgentState): number => Math.max(0, agent.capacityUnits - usedUnits(agent));

export const hasRoomFor = (agent: AgentState, units: number): boolean => freeUnits(agent) >= units;
