import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { EventStoreUnavailableError, NewEvent, WrongExpectedRevisionError } from '#event-store';
import { EventCollector, eventStoreContract } from '#event-store/testing';
import { PostgresEventStore } from './postgres-event-store';
import { SCHEMA, SCHEMA_VERSION } from './schema';
import { TestDatabase, createTestDatabase } from './testing/test-database';

let database: TestDatabase;
const stores: PostgresEventStore[] = [];

beforeAll(async () => {
  database = await createTestDatabase('contract');
});

afterAll(() => database?.drop());

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

eventStoreContract('PostgreSQL', async () => {
  const store = new PostgresEventStore(database.url);
  return { store, dispose: () => store.close() };
});

function open(url = database.url, options?: ConstructorParameters<typeof PostgresEventStore>[1]): PostgresEventStore {
  const store = new PostgresEventStore(url, options);
  stores.push(store);
  return store;
}

function newEvent(data: Record<string, unknown> = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'Tested',
    data,
    metadata: { actor: { kind: 'system', id: 'spec' }, occurredAt: new Date().toISOString(), schemaVersion: 1 },
  };
}

const stream = (label: string): string => `${label}-${randomUUID()}`;

async function sql<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('PostgresEventStore', () => {
  describe('schema', () => {
    let fresh: TestDatabase;
    beforeEach(async () => {
      fresh = await createTestDatabase('schema');
    });
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await fresh.drop();
    });

    it('is created by instances starting at once, each succeeding, at the current version', async () => {
      const starting = Array.from({ length: 4 }, () => open(fresh.url));

      await Promise.all(starting.map((store) => store.prepare()));

      expect(await sql(fresh.url, `SELECT version FROM ${SCHEMA}.schema_version`)).toEqual([
        { version: SCHEMA_VERSION },
      ]);
      await starting[0].append([{ streamId: 's', expectedRevision: 'no_stream', events: [newEvent()] }]);
      expect(await starting[3].readStream('s')).toHaveLength(1);
    });

    it('leaves a current schema and its events alone on the next start', async () => {
      const first = open(fresh.url);
      await first.append([{ streamId: 's', expectedRevision: 'no_stream', events: [newEvent()] }]);
      await first.close();

      const second = open(fresh.url);
      await second.prepare();

      expect(await second.readStream('s')).toHaveLength(1);
    });

    it('refuses a schema newer than the code, naming both versions', async () => {
      await open(fresh.url).prepare();
      await sql(fresh.url, `UPDATE ${SCHEMA}.schema_version SET version = ${SCHEMA_VERSION + 1}`);

      await expect(open(fresh.url).prepare()).rejects.toThrow(
        `schema is at version ${SCHEMA_VERSION + 1}, newer than this code's (${SCHEMA_VERSION})`,
      );
    });
  });

  describe('appends', () => {
    it('rejects a duplicate event id, stored or within the append, writing nothing', async () => {
      const store = open();
      const [a, b, c] = [stream('a'), stream('b'), stream('c')];
      const event = newEvent();
      await store.append([{ streamId: a, expectedRevision: 'no_stream', events: [event] }]);

      await expect(
        store.append([{ streamId: b, expectedRevision: 'no_stream', events: [newEvent(), event] }]),
      ).rejects.toThrow(/duplicate event id/);
      const twice = newEvent();
      await expect(
        store.append([
          { streamId: b, expectedRevision: 'any', events: [twice] },
          { streamId: c, expectedRevision: 'any', events: [twice] },
        ]),
      ).rejects.toThrow(/duplicate event id/);
      expect([...(await store.readStream(b)), ...(await store.readStream(c))]).toEqual([]);
    });

    it('fails a conflicting append alone when appends share a group', async () => {
      const store = open();
      const [a, b, taken] = [stream('a'), stream('b'), stream('taken')];
      const duplicate = newEvent();
      await store.append([{ streamId: taken, expectedRevision: 'no_stream', events: [duplicate] }]);
      const head = await store.headPosition();

      const outcomes = await Promise.allSettled([
        store.append([{ streamId: a, expectedRevision: 'no_stream', events: [newEvent()] }]),
        store.append([{ streamId: taken, expectedRevision: 'no_stream', events: [newEvent()] }]),
        store.append([{ streamId: b, expectedRevision: 'no_stream', events: [duplicate] }]),
        store.append([{ streamId: a, expectedRevision: 0, events: [newEvent()] }]),
      ]);

      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
      const mine = (await store.readAll(head, 100)).filter((event) => [a, b, taken].includes(event.streamId));
      expect(mine.map((event) => [event.streamId, event.revision])).toEqual([
        [a, 0],
        [a, 1],
      ]);
    });

    it('only checks the revision of a request without events', async () => {
      const store = open();
      const [a, b] = [stream('a'), stream('b')];
      await store.append([{ streamId: a, expectedRevision: 'no_stream', events: [newEvent()] }]);

      await expect(store.append([{ streamId: a, expectedRevision: 3, events: [] }])).rejects.toBeInstanceOf(
        WrongExpectedRevisionError,
      );
      const result = await store.append([
        { streamId: a, expectedRevision: 0, events: [] },
        { streamId: b, expectedRevision: 'no_stream', events: [] },
      ]);
      expect(result.revisions).toEqual({});
      expect(result.position).toBeGreaterThanOrEqual((await store.readStream(a))[0].position);
      expect(await store.readStream(b)).toEqual([]);
    });

    it('applies two requests for one stream in order within an append', async () => {
      const store = open();
      const a = stream('a');
      const result = await store.append([
        { streamId: a, expectedRevision: 'no_stream', events: [newEvent()] },
        { streamId: a, expectedRevision: 0, events: [newEvent()] },
      ]);
      expect(result.revisions).toEqual({ [a]: 1 });
      expect((await store.readStream(a)).map((event) => event.revision)).toEqual([0, 1]);
    });

    it('commits appends still queued when close() is called', async () => {
      const store = open();
      const a = stream('a');
      const appending = store.append([{ streamId: a, expectedRevision: 'no_stream', events: [newEvent()] }]);
      await store.close();

      await expect(appending).resolves.toMatchObject({ revisions: { [a]: 0 } });
      await expect(store.readStream(a)).rejects.toBeInstanceOf(EventStoreUnavailableError);
      expect(await open().readStream(a)).toHaveLength(1);
    });
  });

  describe('reads', () => {
    it("offers the data's stored JSON text until the data is replaced, and never in a copy", async () => {
      const store = open();
      const a = stream('a');
      await store.append([{ streamId: a, expectedRevision: 'no_stream', events: [newEvent({ deep: { list: [1] } })] }]);

      const [event] = await store.readStream(a);

      expect(event.rawData).toBe(JSON.stringify(event.data));
      expect(Object.keys(event)).not.toContain('rawData');
      expect({ ...event }.rawData).toBeUndefined();
      event.data = { replaced: true };
      expect(event.rawData).toBeUndefined();
    });

    it('returns events whose fields behave like plain properties', async () => {
      const store = open();
      const a = stream('a');
      await store.append([{ streamId: a, expectedRevision: 'no_stream', events: [newEvent({ deep: { list: [1] } })] }]);

      const [event] = await store.readStream(a);

      expect({ ...event }.data).toEqual({ deep: { list: [1] } });
      expect(JSON.parse(JSON.stringify(event))).toEqual({ ...event });
      expect(structuredClone(event).metadata).toEqual(event.metadata);
      expect(event.data).toBe(event.data);
      event.data = { replaced: true };
      expect(event.data).toEqual({ replaced: true });
    });

    it('pages a large read with read-ahead, and still sees an append made between two pages', async () => {
      const store = open();
      const big = stream('big');
      const head = await store.headPosition();
      const events = Array.from({ length: 4005 }, (_, n) => newEvent({ n }));
      await store.append([{ streamId: big, expectedRevision: 'no_stream', events }]);

      const first = await store.readAll(head, 2000);
      const second = await store.readAll(first[1999].position, 2000);
      const late = await store.append([{ streamId: big, expectedRevision: 4004, events: [newEvent({ n: 4005 })] }]);
      const third = await store.readAll(second[1999].position, 2000);

      const read = [...first, ...second, ...third].filter((event) => event.streamId === big);
      expect(read.map((event) => event.data.n)).toEqual(Array.from({ length: 4006 }, (_, n) => n));
      expect(third[third.length - 1].position).toBe(late.position);
    });

    it('catches up in bounded batches across more events than one batch', async () => {
      const store = open(database.url, { subscriptionBatchSize: 100 });
      const big = stream('big');
      const head = await store.headPosition();
      const events = Array.from({ length: 345 }, (_, n) => newEvent({ n }));
      await store.append([{ streamId: big, expectedRevision: 'no_stream', events }]);

      const collector = new EventCollector(new Set([big]));
      const subscription = store.subscribeToAll(head, collector.handler);
      await collector.untilMine(345);
      await subscription.stop();

      expect(collector.batches.length).toBeGreaterThan(3);
      for (const batch of collector.batches) expect(batch.length).toBeLessThanOrEqual(100);
      expect(collector.mine.map((event) => event.data.n)).toEqual(events.map((_, n) => n));
    });
  });

  describe('delivery', () => {
    it("wakes a subscriber in another process's store by notification, not by the fallback poll", async () => {
      const writer = open();
      // A poll this sparse cannot deliver within the collector's deadline: only LISTEN/NOTIFY can.
      const reader = open(database.url, { pollWhileListeningMs: 600_000, pollWithoutListenerMs: 600_000 });
      const a = stream('notified');
      const head = await reader.headPosition();
      const collector = new EventCollector(new Set([a]));
      const subscription = reader.subscribeToAll(head, collector.handler);
      await pollUntil(() => listening(reader), 'the listener to connect');

      for (let revision = 0; revision < 3; revision++) {
        await writer.append([
          { streamId: a, expectedRevision: revision === 0 ? 'no_stream' : revision - 1, events: [newEvent()] },
        ]);
        await collector.untilMine(revision + 1, 2_000);
      }
      await subscription.stop();
    });
  });

  describe('an unreachable server', () => {
    it('fails with EventStoreUnavailableError naming PostgreSQL, and never shows the password', async () => {
      const password = 'hunter2-s3cret';
      const store = open(`postgres://omni:${password}@127.0.0.1:1/nowhere`, {
        readRetry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
        connectionTimeoutMs: 1_000,
      });

      const read = await store.readAll(0, 1).catch((error: unknown) => error);
      const append = await store
        .append([{ streamId: 's', expectedRevision: 'any', events: [newEvent()] }])
        .catch((error: unknown) => error);

      for (const error of [read, append]) {
        expect(error).toBeInstanceOf(EventStoreUnavailableError);
        expect((error as Error).message).toMatch(/^PostgreSQL: /);
        expect((error as Error).message).not.toContain(password);
      }
      expect((append as Error).message).toContain('may or may not have been written');
      const health = store.health();
      expect(health.healthy).toBe(false);
      expect(health.detail).toMatch(/^PostgreSQL unavailable since /);
      expect(health.detail).not.toContain(password);
    });
  });
});

/** Checks `condition` every few ms until it holds, failing after a deadline. */
async function pollUntil(condition: () => boolean, description: string, deadlineMs = 5_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether the store's notification connection is up (a test-only peek at its state). */
function listening(store: PostgresEventStore): boolean {
  return (store as unknown as { listener: { connected: boolean } }).listener.connected;
}
