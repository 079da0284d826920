export { EventStoreDbEventStore } from './eventstoredb-event-store';
export type {
  EventStoreDbOptions,
  EventStoreHealth,
  KurrentClient,
  KurrentConnector,
} from './eventstoredb-event-store';
export type { SkippedEvent } from './event-mapping';
export type { Endpoint } from './not-leader';
export { MINIMUM_SERVER_VERSION, UnsupportedServerError } from './server-check';
