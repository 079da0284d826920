export * from './port';
export { SqliteEventStore } from './embedded/sqlite-event-store';
export * from './backoff';
