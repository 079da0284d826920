import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EventStoreUnavailableError, NewEvent, WrongExpectedRevisionError } from '../port';
import { EventCollector } from '../testing/event-collector';
import { eventStoreContract } from '../testing/event-store.contract';
import { SCHEMA_VERSION } from './schema';
import { EVENTS_FILE, SqliteEventStore } from './sqlite-event-store';
import { runStoreInChild } from '../testing/sqlite-child-process';

const tempDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-event-store-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

eventStoreContract('SqliteEventStore', async () => {
  const store = new SqliteEventStore(tempDir());
  return { store, dispose: () => store.close() };
});

function newEvent(data: Record<string, unknown> = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'Tested',
    data,
    metadata: { actor: { kind: 'system', id: 'spec' }, occurredAt: new Date().toISOString(), schemaVersion: 1 },
  };
}

describe('SqliteEventStore', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = join(tempDir(), 'nested', 'store');
    store = new SqliteEventStore(dir);
  });

  afterEach(() => store.close());

  it('creates its directory and keeps a WAL-mode file with the schema version', async () => {
    await store.close();

    const db = new Database(join(dir, EVENTS_FILE), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('reports head position 0 when empty and reads nothing', async () => {
    expect(await store.headPosition()).toBe(0);
    expect(await store.readAll(0, 10)).toEqual([]);
  });

  it('keeps events across a reopen and continues positions and revisions after them', async () => {
    const events = [newEvent({ n: 1 }), newEvent({ n: 2 })];
    const first = await store.append([{ streamId: 's', expectedRevision: 'no_stream', events }]);
    await store.close();

    store = new SqliteEventStore(dir);
    expect((await store.readStream('s')).map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await store.headPosition()).toBe(first.position);
    const second = await store.append([{ streamId: 's', expectedRevision: 1, events: [newEvent()] }]);
    expect(second.position).toBeGreaterThan(first.position);
    expect(second.revisions).toEqual({ s: 2 });
  });

  it('rejects a duplicate event id, stored or within the append, writing nothing', async () => {
    const event = newEvent();
    await store.append([{ streamId: 'a', expectedRevision: 'no_stream', events: [event] }]);

    await expect(
      store.append([{ streamId: 'b', expectedRevision: 'no_stream', events: [newEvent(), event] }]),
    ).rejects.toThrow(/duplicate event id/);
    const twice = newEvent();
    await expect(
      store.append([
        { streamId: 'b', expectedRevision: 'any', events: [twice] },
        { streamId: 'c', expectedRevision: 'any', events: [twice] },
      ]),
    ).rejects.toThrow(/duplicate event id/);
    expect(await store.readAll(0, 10)).toHaveLength(1);
  });

  it('only checks the revision of a request without events', async () => {
    await store.append([{ streamId: 'a', expectedRevision: 'no_stream', events: [newEvent()] }]);

    await expect(store.append([{ streamId: 'a', expectedRevision: 3, events: [] }])).rejects.toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    const result = await store.append([
      { streamId: 'a', expectedRevision: 0, events: [] },
      { streamId: 'b', expectedRevision: 'no_stream', events: [] },
    ]);
    expect(result).toEqual({ position: await store.headPosition(), revisions: {} });
    expect(await store.readAll(0, 10)).toHaveLength(1);
  });

  it('applies two requests for one stream in order within an append', async () => {
    const result = await store.append([
      { streamId: 'a', expectedRevision: 'no_stream', events: [newEvent()] },
      { streamId: 'a', expectedRevision: 0, events: [newEvent()] },
    ]);

    expect(result.revisions).toEqual({ a: 1 });
    expect((await store.readStream('a')).map((event) => event.revision)).toEqual([0, 1]);
  });

  it('fails a conflicting append alone when appends share a group commit', async () => {
    const duplicate = newEvent();
    await store.append([{ streamId: 'taken', expectedRevision: 'no_stream', events: [duplicate] }]);

    const outcomes = await Promise.allSettled([
      store.append([{ streamId: 'a', expectedRevision: 'no_stream', events: [newEvent()] }]),
      store.append([{ streamId: 'taken', expectedRevision: 'no_stream', events: [newEvent()] }]),
      store.append([{ streamId: 'b', expectedRevision: 'no_stream', events: [duplicate] }]),
      store.append([{ streamId: 'a', expectedRevision: 0, events: [newEvent()] }]),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((await store.readAll(0, 10)).map((event) => [event.streamId, event.revision])).toEqual([
      ['taken', 0],
      ['a', 0],
      ['a', 1],
    ]);
  });

  it('commits appends still queued when close() is called', async () => {
    const appending = store.append([{ streamId: 'a', expectedRevision: 'no_stream', events: [newEvent()] }]);
    await store.close();

    await expect(appending).resolves.toMatchObject({ revisions: { a: 0 } });
    store = new SqliteEventStore(dir);
    expect(await store.readStream('a')).toHaveLength(1);
  });

  it('returns events whose lazily parsed fields behave like plain properties', async () => {
    await store.append([{ streamId: 'a', expectedRevision: 'no_stream', events: [newEvent({ deep: { list: [1] } })] }]);

    const [event] = await store.readStream('a');
    expect({ ...event }.data).toEqual({ deep: { list: [1] } });
    expect(JSON.parse(JSON.stringify(event)).metadata).toEqual(event.metadata);
    expect(structuredClone(event).data).toEqual(event.data);
    expect(event.data).toBe(event.data);
    event.data = { replaced: true };
    expect(event.data).toEqual({ replaced: true });
  });

  it("offers the data's stored JSON text until the data is replaced, and never in a copy", async () => {
    await store.append([{ streamId: 'a', expectedRevision: 'no_stream', events: [newEvent({ deep: { list: [1] } })] }]);

    const [event] = await store.readAll(0, 10);
    expect(event.rawData).toBe(JSON.stringify(event.data));
    expect(Object.keys(event)).not.toContain('rawData');
    expect({ ...event }.rawData).toBeUndefined();
    event.data = { replaced: true };
    expect(event.rawData).toBeUndefined();
  });

  it('catches up in bounded batches across more events than one batch', async () => {
    const events = Array.from({ length: 1234 }, (_, n) => newEvent({ n }));
    await store.append([{ streamId: 'big', expectedRevision: 'no_stream', events }]);
    const collector = new EventCollector(new Set(['big']));

    const subscription = store.subscribeToAll(0, collector.handler);
    await collector.untilMine(1234);
    await subscription.stop();

    expect(collector.batches.length).toBeGreaterThan(1);
    for (const batch of collector.batches) expect(batch.length).toBeLessThanOrEqual(500);
    expect(collector.all.map((event) => event.data.n)).toEqual(events.map((_, n) => n));
  });

  it('rejects use after close and stops subscriptions on close', async () => {
    const collector = new EventCollector(new Set(['a']));
    store.subscribeToAll(0, collector.handler);
    await store.append([{ streamId: 'a', expectedRevision: 'no_stream', events: [newEvent()] }]);
    await collector.untilMine(1);

    await store.close();

    await expect(
      store.append([{ streamId: 'a', expectedRevision: 'any', events: [newEvent()] }]),
    ).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.readAll(0, 1)).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(collector.all).toHaveLength(1);
  });

  it('keeps every acknowledged append when its process is killed with SIGKILL', async () => {
    await store.close();

    const acknowledged = await runStoreInChild(dir, { killAfterAcks: 200 });

    expect(acknowledged.length).toBeGreaterThanOrEqual(200);
    store = new SqliteEventStore(dir);
    const stored = await store.readStream('crash');
    // Every acknowledged event is there, at the position it was acknowledged with; at most the one
    // in flight when the kill landed may follow them.
    expect(stored.slice(0, acknowledged.length).map((event) => [event.eventId, event.position])).toEqual(
      acknowledged.map((ack) => [ack.eventId, ack.position]),
    );
    expect(stored.length - acknowledged.length).toBeLessThanOrEqual(1);
    expect(stored.map((event) => event.revision)).toEqual(stored.map((_, revision) => revision));
    const next = await store.append([{ streamId: 'crash', expectedRevision: stored.length - 1, events: [newEvent()] }]);
    expect(next.position).toBeGreaterThan(stored[stored.length - 1].position);
    await store.close();

    const db = new Database(join(dir, EVENTS_FILE), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
