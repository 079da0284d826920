import { ReadModel } from '../projection';
import { queueStatisticsProjection } from './projection';
import { QueueStatisticsQueries } from './queries';

export * from './projection';
export * from './queries';
export * from './tracking';
export * from './view';

export const queueStatistics: ReadModel = { projection: queueStatisticsProjection, queries: [QueueStatisticsQueries] };
