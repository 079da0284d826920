export * from './cause';
export * from './stream-cache';
export * from './stream-locks';
export * from './conversation-commands';
export * from './configuration-commands';
export * from './conflicts';
