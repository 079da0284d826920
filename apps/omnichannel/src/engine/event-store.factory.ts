import { EventStore, SqliteEventStore } from '#event-store';
import { EventStoreDbEventStore } from '#eventstoredb';
import { Config } from '../config';

/** The one place that chooses the event store adapter (contract section 5). */
export const createEventStore = (config: Config): EventStore =>
  config.eventStoreConnectionString
    ? new EventStoreDbEventStore(config.eventStoreConnectionString)
    : new SqliteEventStore(config.dataDir);
