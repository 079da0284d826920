export * from './database';
export * from './projection';
export * from './projection-set';
export * from './projection-runner';
export * from './queries';
export * from './operational-stats';
export * from './replay/rebuild';
export * from './replay/compare';
export * from './projections/conversations';
export * from './projections/agents';
export * from './projections/audit';
export * from './projections/transcript';
export * from './projections/configuration';
export * from './statistics/tracking';
export * from './statistics/queue-statistics.projection';
export * from './statistics/agent-statistics.projection';
export * from './statistics/statistics';

import { agentsProjection } from './projections/agents';
import { auditProjection } from './projections/audit';
import { configurationProjection } from './projections/configuration';
import { conversationsProjection } from './projections/conversations';
import { transcriptProjection } from './projections/transcript';
import { agentStatisticsProjection } from './statistics/agent-statistics.projection';
import { queueStatisticsProjection } from './statistics/queue-statistics.projection';

/** Every read model the service keeps. */
export const allProjections = [
  configurationProjection,
  conversationsProjection,
  agentsProjection,
  transcriptProjection,
  auditProjection,
  queueStatisticsProjection,
  agentStatisticsProjection,
];
