import { ReadModel } from '../projection';
import { conversationsProjection } from './projection';
import { ConversationQueries, TimerQueries } from './queries';

export * from './projection';
export * from './queries';
export * from './schema';
export * from './view';

export const conversations: ReadModel = {
  projection: conversationsProjection,
  queries: [ConversationQueries, TimerQueries],
};
