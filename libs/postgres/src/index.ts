export { PostgresEventStore } from './postgres-event-store';
export type { PostgresEventStoreOptions, PostgresHealth } from './postgres-event-store';
export { SCHEMA, SCHEMA_VERSION } from './schema';
