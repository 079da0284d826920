import { ReadModel } from '../projection';
import { transcriptProjection } from './projection';
import { TranscriptQueries } from './queries';

export * from './projection';
export * from './queries';
export * from './view';

export const transcript: ReadModel = { projection: transcriptProjection, queries: [TranscriptQueries] };
