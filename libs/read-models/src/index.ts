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

import { agentsProjection } from './projections/agents';
import { auditProjection } from './projections/audit';
import { configurationProjection } from './projections/configuration';
import { conversationsProjection } from './projections/conversations';
import { transcriptProjection } from './projections/transcript';

/** Every read model the service keeps. */
export const allProjections = [
  configurationProjection,
  conversationsProjection,
  agentsProjection,
  transcriptProjection,
  auditProjection,
];
