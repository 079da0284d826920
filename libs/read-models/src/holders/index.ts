import { ReadModel } from '../projection';
import { holdersProjection } from './projection';
import { HolderQueries } from './queries';

export * from './projection';
export * from './queries';
export * from './view';

export const holders: ReadModel = { projection: holdersProjection, queries: [HolderQueries] };
