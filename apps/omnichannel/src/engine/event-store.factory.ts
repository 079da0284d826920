import { setTimeout as delay } from 'node:timers/promises';
import { EventStore, SqliteEventStore } from '#event-store';
import { EventStoreDbEventStore, UnsupportedServerError } from '#eventstoredb';
import { Config } from '../config';

/** How long start-up waits for the server's verdict before going on (every call asks again). */
const SERVER_CHECK_WAIT_MS = 10_000;

/**
 * The one place that chooses the event store adapter (contract section 5). A server too old for
 * atomic multi-stream appends stops the start with a message naming the minimum version; a server
 * not reachable yet does not (its calls retry, /health reports it).
 */
export const createEventStore = async (config: Config): Promise<EventStore> => {
  if (!config.eventStoreConnectionString) return new SqliteEventStore(config.dataDir);
  const store = new EventStoreDbEventStore(config.eventStoreConnectionString);
  const verdict = store.verifyServer().catch((error: unknown) => {
    if (error instanceof UnsupportedServerError) return error;
  });
  const unsupported = await Promise.race([verdict, delay(SERVER_CHECK_WAIT_MS, undefined, { ref: false })]);
  if (unsupported) {
    await store.close();
    throw unsupported;
  }
  return store;
};
