export * from './event-collector';
export * from './event-store.contract';
export * from './sqlite-child-process';
export * from './in-memory-event-store';
