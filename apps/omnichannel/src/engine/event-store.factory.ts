import { setTimeout as delay } from 'node:timers/promises';
import { EventStore, EventStoreUnavailableError, SqliteEventStore } from '#event-store';
import { EventStoreDbEventStore, UnsupportedServerError } from '#eventstoredb';
import { PostgresEventStore } from '#postgres';
import { Config } from '../config';

/** How long start-up waits for the server's verdict before going on (every call asks again). */
const SERVER_CHECK_WAIT_MS = 10_000;

/**
 * The one place that chooses the event store adapter (contract section 5). A server too old for
 * atomic multi-stream appends stops the start with a message naming the minimum version; a server
 * not reachable yet does not (its calls retry, /health reports it).
 */
export const createEventStore = async (config: Config): Promise<EventStore> => {
  if (config.postgres) return createPostgresStore(config.postgres);
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

/**
 * PostgreSQL: the schema is created or migrated before the service goes on. A server not reachable
 * yet does not stop the start (every call tries again, /health reports it); any other failure
 * (a schema newer than this code, a refused login) does.
 */
const createPostgresStore = async (settings: NonNullable<Config['postgres']>): Promise<EventStore> => {
  const store = new PostgresEventStore(settings.url, {
    poolSize: settings.poolSize,
    statementTimeoutMs: settings.statementTimeoutMs,
  });
  const verdict = store
    .prepare()
    .catch((error: unknown) => (error instanceof EventStoreUnavailableError ? undefined : error));
  const failure = await Promise.race([verdict, delay(SERVER_CHECK_WAIT_MS, undefined, { ref: false })]);
  if (failure) {
    await store.close();
    throw failure;
  }
  return store;
};
