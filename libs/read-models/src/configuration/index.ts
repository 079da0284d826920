import { ReadModel } from '../projection';
import { configurationProjection } from './projection';
import { ConfigurationQueries } from './queries';

export * from './projection';
export * from './queries';

export const configuration: ReadModel = { projection: configurationProjection, queries: [ConfigurationQueries] };
