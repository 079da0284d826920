export const CHANNELS = ['live_chat', 'persistent_chat', 'voice', 'sms', 'social', 'teams', 'record'] as const;
export type Channel = (typeof CHANNELS)[number];

/** The customer and the agent need not be online at the same time. */
export const isAsynchronous = (channel: Channel): boolean =>
  channel === 'persistent_chat' || channel === 'sms' || channel === 'social' || channel === 'teams';
