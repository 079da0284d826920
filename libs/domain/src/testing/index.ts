export * from './builders';
export * from './histories';
export * from './decider-spec';

import { CHANNELS, Channel } from '../channel/channel';

export const ALL: Channel[] = [...CHANNELS];
export const CHAT: Channel[] = ['live_chat', 'persistent_chat'];
export const ASYNC: Channel[] = ['persistent_chat', 'sms', 'social', 'teams'];
/** Where the customer can end the conversation (T3, T5, T6, T13): live chat only. */
export const NOT_LIVE_CHAT: Channel[] = ALL.filter((c) => c !== 'live_chat');
export const except = (...channels: Channel[]): Channel[] => ALL.filter((c) => !channels.includes(c));
