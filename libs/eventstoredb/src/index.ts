export { EventStoreDbEventStore } from './eventstoredb-event-store';
export type { EventStoreDbOptions, EventStoreHealth, KurrentClient } from './eventstoredb-event-store';
export type { RetryPolicy } from './retry';
