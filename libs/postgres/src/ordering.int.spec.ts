import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { NewEvent, StoredEvent } from '#event-store';
import { PostgresEventStore } from './postgres-event-store';
import { SCHEMA } from './schema';
import { TestDatabase, createTestDatabase } from './testing/test-database';

/**
 * The global order no subscriber can skip (docs/postgres.md, "Ordering"): positions come from a
 * sequence, and without the append lock a transaction holding a smaller position can commit after
 * one holding a larger, so "everything after my checkpoint" passes it for good.
 */
let database: TestDatabase;
const stores: PostgresEventStore[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  database = await createTestDatabase('ordering');
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.end()));
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

afterAll(() => database?.drop());

function open(options?: ConstructorParameters<typeof PostgresEventStore>[1]): PostgresEventStore {
  const store = new PostgresEventStore(database.url, options);
  stores.push(store);
  return store;
}

async function connect(): Promise<Client> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  clients.push(client);
  return client;
}

function newEvent(): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'Ordered',
    data: {},
    metadata: { actor: { kind: 'system', id: 'spec' }, occurredAt: new Date().toISOString(), schemaVersion: 1 },
  };
}

async function pollUntil(
  condition: () => Promise<boolean>,
  description: string | (() => string),
  deadlineMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${typeof description === 'string' ? description : description()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the global order', () => {
  it('is needed: without the lock, a reader after its checkpoint skips a position that commits late', async () => {
    // The hazard itself, on a scratch table with a plain sequence (what the store does not do).
    const [first, second, reader] = [await connect(), await connect(), await connect()];
    await reader.query('CREATE TABLE naive (position bigserial PRIMARY KEY)');
    await first.query('BEGIN');
    await first.query('INSERT INTO naive DEFAULT VALUES');
    await second.query('INSERT INTO naive DEFAULT VALUES');

    const seen = (await reader.query('SELECT position FROM naive WHERE position > 0 ORDER BY position')).rows;
    await first.query('COMMIT');
    const checkpoint = Number(seen[seen.length - 1].position);
    const next = (await reader.query('SELECT position FROM naive WHERE position > $1', [checkpoint])).rows;

    expect(seen.map((row) => Number(row.position))).toEqual([2]);
    expect(next).toEqual([]);
    expect((await reader.query('SELECT count(*)::int AS n FROM naive')).rows[0].n).toBe(2);
  });

  it('makes an append wait for the group holding earlier positions, so none is visible before them', async () => {
    const store = open();
    const [a, b] = [`held-${randomUUID()}`, `waiting-${randomUUID()}`];
    await store.prepare();
    const head = await store.headPosition();
    const holder = await connect();
    await holder.query('BEGIN');
    const wire = JSON.stringify([[{ s: a, e: 'no_stream', v: [[randomUUID(), 'Ordered', '{}', '{}']] }]]);
    const [held] = (await holder.query(`SELECT ${SCHEMA}.append_group($1::json) AS o`, [wire])).rows[0].o;

    const appending = store.append([{ streamId: b, expectedRevision: 'no_stream', events: [newEvent()] }]);
    await pollUntil(async () => {
      const { rows } = await holder.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'",
      );
      return rows[0].n > 0;
    }, 'the second append to wait on the append lock');
    const whileHeld = await store.readAll(head, 100);
    await holder.query('COMMIT');
    const { position } = await appending;

    expect(whileHeld).toEqual([]);
    expect(position).toBeGreaterThan(held.p);
    expect((await store.readAll(head, 100)).map((event) => [event.streamId, event.position])).toEqual([
      [a, held.p],
      [b, position],
    ]);
  });

  it.each([1, 2, 3])(
    'holds under load (round %i): many appenders on several connections, one subscriber, every event once and in order',
    async () => {
      const subscriberStore = open();
      const head = await subscriberStore.headPosition();
      // Four stores, so four pools and four groups in flight at once, one of them sending each append alone.
      const writers = [open(), open(), open(), open({ maxGroupSize: 1 })];
      const seen: StoredEvent[] = [];
      let handled = 0;
      const subscription = subscriberStore.subscribeToAll(head, async (batch) => {
        seen.push(...batch);
        // A handler that sometimes yields, so reads and commits interleave differently.
        if (++handled % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
      });

      const appended: string[] = [];
      const appender = async (store: PostgresEventStore, lane: number): Promise<void> => {
        const conversation = `conversation-${randomUUID()}`;
        const agent = `agent-${lane}-${randomUUID()}`;
        for (let n = 0; n < 25; n++) {
          const events = [newEvent(), ...(n % 2 ? [newEvent()] : [])];
          const other = newEvent();
          await store.append([
            { streamId: conversation, expectedRevision: 'any', events },
            { streamId: agent, expectedRevision: 'any', events: [other] },
          ]);
          appended.push(...events.map((event) => event.eventId), other.eventId);
        }
      };
      await Promise.all(writers.flatMap((store, w) => Array.from({ length: 8 }, (_, l) => appender(store, w * 8 + l))));

      await pollUntil(
        async () => seen.length >= appended.length,
        () => `${appended.length} events; the subscriber has seen ${seen.length}, one was skipped`,
        20_000,
      );
      const last = await subscriberStore.headPosition();
      await pollUntil(async () => seen[seen.length - 1]?.position === last, 'the head', 5_000);
      await subscription.stop();

      const positions = seen.map((event) => event.position);
      for (let index = 1; index < positions.length; index++) {
        expect(positions[index]).toBeGreaterThan(positions[index - 1]);
      }
      expect(seen.map((event) => event.eventId).sort()).toEqual([...appended].sort());
      expect(seen.map((event) => event.eventId)).toEqual(
        (await subscriberStore.readAll(head, appended.length + 1)).map((event) => event.eventId),
      );
    },
  );
});
