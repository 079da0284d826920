import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { EventStoreUnavailableError, NewEvent, StoredEvent } from '#event-store';
import { PostgresEventStore } from './postgres-event-store';
import { ThrowawayPostgres } from './testing/throwaway-server';

/**
 * Faults: the server crashes and comes back under load, on a server of this test's own (the
 * machine's shared one is never disturbed). Appends in flight fail as unavailable, the store
 * reconnects by itself, subscriptions resume from their positions, and nothing acknowledged is lost.
 */
jest.setTimeout(120_000);

let server: ThrowawayPostgres | undefined;
const stores: PostgresEventStore[] = [];

beforeAll(async () => {
  server = await ThrowawayPostgres.create();
  const client = new Client({ connectionString: server.url() });
  await client.connect();
  await client.query('CREATE DATABASE faults');
  await client.end();
});

afterAll(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close().catch(() => undefined)));
  await server?.destroy();
});

function open(): PostgresEventStore {
  const store = new PostgresEventStore(server!.url('faults'), {
    connectionTimeoutMs: 1_000,
    statementTimeoutMs: 5_000,
    reconnectRetry: { attempts: Number.POSITIVE_INFINITY, initialDelayMs: 50, maxDelayMs: 500 },
  });
  stores.push(store);
  return store;
}

function newEvent(): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'Survived',
    data: {},
    metadata: { actor: { kind: 'system', id: 'spec' }, occurredAt: new Date().toISOString(), schemaVersion: 1 },
  };
}

async function pollUntil(condition: () => boolean, description: () => string, deadlineMs = 30_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it('survives a crash and restart of the server under load, losing no acknowledged append', async () => {
  const store = open();
  const subscriberStore = open();
  await store.prepare();
  const delivered: StoredEvent[] = [];
  const subscriptionErrors: unknown[] = [];
  const subscription = subscriberStore.subscribeToAll(
    0,
    (batch) => void delivered.push(...batch),
    (error) => subscriptionErrors.push(error),
  );

  const acknowledged = new Set<string>();
  const failures: unknown[] = [];
  let running = true;
  const lane = async (): Promise<void> => {
    const streamId = `lane-${randomUUID()}`;
    while (running) {
      const event = newEvent();
      try {
        await store.append([{ streamId, expectedRevision: 'any', events: [event] }]);
        acknowledged.add(event.eventId);
      } catch (error) {
        failures.push(error);
        // A client backing off while the store is away (not a synchronisation).
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };
  const lanes = Array.from({ length: 8 }, () => lane());

  await pollUntil(
    () => acknowledged.size >= 200,
    () => `200 acknowledged appends, got ${acknowledged.size}`,
  );
  await server!.kill();
  const acknowledgedBeforeRestart = acknowledged.size;
  await pollUntil(
    () => failures.length > 0,
    () => 'an append to fail while the server is down',
  );
  expect(store.health()).toMatchObject({ healthy: false });
  await server!.start();
  await pollUntil(
    () => acknowledged.size >= acknowledgedBeforeRestart + 200,
    () => `200 appends acknowledged after the restart, got ${acknowledged.size - acknowledgedBeforeRestart}`,
  );
  running = false;
  await Promise.all(lanes);

  // Every failure says the store was unavailable, naming it; nothing else went wrong.
  for (const failure of failures) {
    expect(failure).toBeInstanceOf(EventStoreUnavailableError);
    expect((failure as Error).message).toMatch(/^PostgreSQL: /);
  }
  const stored = await open().readAll(0, 1_000_000);
  const storedIds = new Set(stored.map((event) => event.eventId));
  expect([...acknowledged].filter((id) => !storedIds.has(id))).toEqual([]);
  // The subscription came back by itself and resumed from its position: everything once, in order.
  await pollUntil(
    () => delivered.length >= stored.length,
    () => `the subscriber to deliver ${stored.length} events, got ${delivered.length}`,
  );
  await subscription.stop();
  expect(subscriptionErrors).toEqual([]);
  expect(delivered.map((event) => event.eventId)).toEqual(stored.map((event) => event.eventId));
  expect(store.health()).toEqual({ healthy: true });
});
