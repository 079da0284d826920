import { eventStoreContract } from '#event-store/testing';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

/**
 * The shared contract against a real KurrentDB 25.1+ server, e.g.
 *   docker compose up -d eventstore
 *   EVENTSTORE_CONNECTION_STRING=kurrentdb://localhost:2113?tls=false npx jest libs/event-store
 * Without the variable nothing runs: one skipped test says so, and it never counts as passed.
 */
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  eventStoreContract('EventStoreDB', async () => {
    const store = new EventStoreDbEventStore(connectionString);
    return { store, dispose: () => store.close() };
  });
} else {
  it.skip('EventStore contract: EventStoreDB — NOT RUN: EVENTSTORE_CONNECTION_STRING is unset (see docs/eventstoredb.md)', () =>
    undefined);
}
