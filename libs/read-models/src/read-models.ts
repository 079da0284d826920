import { agentStatistics } from './agent-statistics';
import { agents } from './agents';
import { audit } from './audit';
import { configuration } from './configuration';
import { conversations } from './conversations';
import { DistributionQueries } from './distribution-queries';
import { holders } from './holders';
import { OperationalStats } from './operational-stats';
import { QueriesClass, ReadModel } from './projection';
import { queueStatistics } from './queue-statistics';
import { transcript } from './transcript';

/** Every read model the service keeps: a new one is a folder beside these and one line here. */
export const READ_MODELS: readonly ReadModel[] = [
  configuration,
  conversations,
  agents,
  transcript,
  audit,
  holders,
  queueStatistics,
  agentStatistics,
];

export const allProjections = READ_MODELS.map((model) => model.projection);

/** Every query class the service provides: each read model's, then those of readers that span several. */
export const allQueries: readonly QueriesClass[] = [
  ...READ_MODELS.flatMap((model) => model.queries),
  DistributionQueries,
  OperationalStats,
];
