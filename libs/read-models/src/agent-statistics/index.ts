import { ReadModel } from '../projection';
import { agentStatisticsProjection } from './projection';
import { AgentStatisticsQueries } from './queries';

export * from './projection';
export * from './queries';
export * from './view';

export const agentStatistics: ReadModel = { projection: agentStatisticsProjection, queries: [AgentStatisticsQueries] };
