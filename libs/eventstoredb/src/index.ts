export { EventStoreDbEventStore } from './eventstoredb-event-store';
export type {
  EventStoreDbOptions,
  EventStoreHealth,
  KurrentClient,
  KurrentConnector,
  SkippedEvent,
} from './eventstoredb-event-store';
export type { Endpoint } from './not-leader';
export type { RetryPolicy } from './retry';
export { MINIMUM_SERVER_VERSION, UnsupportedServerError } from './server-check';
