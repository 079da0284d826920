import { ReadModel } from '../projection';
import { agentsProjection } from './projection';
import { AgentQueries } from './queries';

export * from './projection';
export * from './queries';
export * from './view';

export const agents: ReadModel = { projection: agentsProjection, queries: [AgentQueries] };
