import { randomUUID } from 'node:crypto';
import { UnavailableError } from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, NewEvent, StoredEvent, WrongExpectedRevisionError } from '#event-store';
import { EventCollector } from '#event-store/testing';
import { eventStoreContract } from '#event-store/testing';
import { METADATA_KEY } from './event-mapping';
import { EventStoreDbEventStore, KurrentClient } from './eventstoredb-event-store';
import { SimulatedKurrentClient } from './testing/simulated-kurrent-client';

/**
 * The adapter's own logic (mappings, batching, backpressure, stop, retries, health) over an
 * in-memory SIMULATION of the client. This does not show that it works with a real KurrentDB:
 * eventstoredb-event-store.spec.ts runs the contract against a server when one is configured.
 */
const fast = { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 };

function storeOver(server: SimulatedKurrentClient, onUnavailable?: (error: unknown) => void): EventStoreDbEventStore {
  return new EventStoreDbEventStore(server as unknown as KurrentClient, {
    readRetry: fast,
    subscriptionRetry: fast,
    subscriptionBatchSize: 50,
    onUnavailable,
  });
}

eventStoreContract('EventStoreDB adapter over a SIMULATED client (no server)', async () => {
  const store = storeOver(new SimulatedKurrentClient());
  return { store, dispose: () => store.close() };
});

function newEvent(type = 'Tested'): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    data: { n: 1 },
    metadata: {
      actor: { kind: 'agent', id: 'a-1' },
      occurredAt: '2024-01-01T00:00:00.000Z',
      schemaVersion: 2,
      reason: { code: 'x' },
    },
  };
}

/** The code 14 ServiceError the client leaves unconverted on appends when it cannot connect. */
function refusedConnection(): Error {
  return Object.assign(new Error('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED'), {
    code: 14,
    details: 'No connection established',
  });
}

describe('EventStoreDbEventStore (simulated client)', () => {
  let server: SimulatedKurrentClient;
  let store: EventStoreDbEventStore;

  beforeEach(() => {
    server = new SimulatedKurrentClient();
    store = storeOver(server);
  });

  afterEach(() => store.close());

  it('appends several streams through one multiStreamAppend with string-only metadata, and reads the metadata back', async () => {
    const events = [newEvent(), newEvent()];
    const result = await store.append([
      { streamId: 'conversation-1', expectedRevision: 'no_stream', events: [events[0]] },
      { streamId: 'agent-1', expectedRevision: 'any', events: [events[1]] },
    ]);

    expect(server.multiStreamAppendCalls).toHaveLength(1);
    const [sent] = server.multiStreamAppendCalls;
    expect(sent.map((r) => [r.streamName, r.expectedState])).toEqual([
      ['conversation-1', 'no_stream'],
      ['agent-1', 'any'],
    ]);
    expect(sent[0].events[0].metadata).toEqual({ [METADATA_KEY]: JSON.stringify(events[0].metadata) });
    expect(result.revisions).toEqual({ 'conversation-1': 0, 'agent-1': 0 });
    const [stored] = await store.readStream('conversation-1');
    expect(stored.metadata).toEqual(events[0].metadata);
    expect(stored.eventId).toBe(events[0].eventId);
  });

  it('uses appendToStream, not multiStreamAppend, for a single stream', async () => {
    await store.append([{ streamId: 'agent-2', expectedRevision: 'no_stream', events: [newEvent(), newEvent()] }]);

    expect(server.multiStreamAppendCalls).toHaveLength(0);
    expect((await store.readStream('agent-2')).map((e) => e.revision)).toEqual([0, 1]);
  });

  it('refuses a stream twice in one append, and check-only requests mixed with writes', async () => {
    await expect(
      store.append([
        { streamId: 'queue-1', expectedRevision: 'any', events: [newEvent()] },
        { streamId: 'QUEUE-1', expectedRevision: 'any', events: [newEvent()] },
      ]),
    ).rejects.toThrow(/more than once/);
    await expect(
      store.append([
        { streamId: 'queue-1', expectedRevision: 'any', events: [newEvent()] },
        { streamId: 'queue-2', expectedRevision: 'no_stream', events: [] },
      ]),
    ).rejects.toThrow(/cannot be checked atomically/);
    expect(server.log.filter((e) => e.streamId.startsWith('queue-'))).toEqual([]);
  });

  it('checks revisions of requests without events by reading', async () => {
    await store.append([{ streamId: 'workstream-1', expectedRevision: 'no_stream', events: [newEvent()] }]);

    await expect(store.append([{ streamId: 'workstream-1', expectedRevision: 0, events: [] }])).resolves.toMatchObject({
      revisions: {},
    });
    await expect(
      store.append([{ streamId: 'workstream-1', expectedRevision: 'no_stream', events: [] }]),
    ).rejects.toMatchObject({
      streamId: 'workstream-1',
      expected: 'no_stream',
      actual: 0,
    });
  });

  it('says clearly when the server has no multi-stream append, and writes nothing', async () => {
    server.supportsMultiStreamAppend = false;

    await expect(
      store.append([
        { streamId: 'conversation-9', expectedRevision: 'any', events: [newEvent()] },
        { streamId: 'agent-9', expectedRevision: 'any', events: [newEvent()] },
      ]),
    ).rejects.toThrow(/KurrentDB 25\.1 or later/);
    expect(await store.readStream('conversation-9')).toEqual([]);
  });

  it('maps an unreachable server on append to EventStoreUnavailableError without retrying, and reports it in health', async () => {
    server.failNext('appendToStream', refusedConnection());

    const error = await store
      .append([{ streamId: 'agent-3', expectedRevision: 'any', events: [newEvent()] }])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect(store.isHealthy()).toBe(false);
    expect(store.health()).toMatchObject({ healthy: false, detail: expect.stringContaining('UNAVAILABLE') });
    expect(store.lastError).toMatchObject({ code: 14 });
    await store.append([{ streamId: 'agent-3', expectedRevision: 'any', events: [newEvent()] }]);
    expect(store.health()).toEqual({ healthy: true });
    expect(await store.readStream('agent-3')).toHaveLength(1);
  });

  it('retries reads while the server is unavailable, then succeeds', async () => {
    const unavailable: unknown[] = [];
    store = storeOver(server, (e) => unavailable.push(e));
    await store.append([{ streamId: 'agent-4', expectedRevision: 'any', events: [newEvent()] }]);
    server.failNext('readStream', new UnavailableError(undefined, 'node down'), 2);

    expect(await store.readStream('agent-4')).toHaveLength(1);
    expect(unavailable).toHaveLength(2);
    expect(store.isHealthy()).toBe(true);
  });

  it('gives up on reads after the configured attempts with EventStoreUnavailableError', async () => {
    server.failNext('readAll', new UnavailableError(undefined, 'node down'), 3);

    await expect(store.headPosition()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(store.isHealthy()).toBe(false);
  });

  it('does not retry errors that are not about availability', async () => {
    server.failNext('readStream', new Error('boom'), 1);

    await expect(store.readStream('agent-5')).rejects.toThrow('boom');
  });

  it('reports as head the newest event a subscriber can see, skipping system events', async () => {
    const result = await store.append([{ streamId: 'agent-6', expectedRevision: 'any', events: [newEvent()] }]);
    server.writeSystemEvent('$stats-127.0.0.1:2113', '$statsCollected');

    expect(await store.headPosition()).toBe(result.position);
    expect(await store.readAll(0, 100)).toEqual(await store.readStream('agent-6'));
  });

  it('re-subscribes after the connection drops, from the last delivered position, without duplicates', async () => {
    const collector = new EventCollector(new Set(['agent-7']));
    const subscription = store.subscribeToAll(0, collector.handler);
    await store.append([{ streamId: 'agent-7', expectedRevision: 'no_stream', events: [newEvent()] }]);
    await collector.untilMine(1);

    server.dropSubscriptions(new UnavailableError(undefined, 'connection reset'));
    await store.append([{ streamId: 'agent-7', expectedRevision: 0, events: [newEvent()] }]);
    await collector.untilMine(2);
    await subscription.stop();

    expect(collector.mine.map((e) => e.revision)).toEqual([0, 1]);
    expect(server.liveSubscriptions).toBe(0);
  });

  it('is unhealthy while a subscription has lost the server, and healthy again once re-subscribed, even with no new event', async () => {
    const subscription = store.subscribeToAll(0, () => undefined);
    await until(() => server.liveSubscriptions === 1);

    server.dropSubscriptions(new UnavailableError(undefined, 'connection reset'));
    await until(() => !store.isHealthy());
    expect(store.health().detail).toMatch(/lost the server \(connection reset\)/);
    await until(() => store.isHealthy() && server.liveSubscriptions === 1);
    await subscription.stop();
  });

  it('stops and reports errors that are not about availability', async () => {
    const reported: unknown[] = [];
    server.failNext('subscribeToAll', new Error('access denied'));

    const subscription = store.subscribeToAll(
      0,
      () => undefined,
      (e) => reported.push(e),
    );
    await until(() => reported.length > 0);
    await subscription.stop();

    expect(reported).toEqual([expect.objectContaining({ message: 'access denied' })]);
  });

  it('reads nothing more while the handler is busy, then delivers what piled up in batches', async () => {
    const batches: StoredEvent[][] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const subscription = store.subscribeToAll(0, async (batch) => {
      batches.push(batch);
      if (batches.length === 1) await released;
    });
    await store.append([{ streamId: 'agent-8', expectedRevision: 'no_stream', events: [newEvent()] }]);
    while (batches.length === 0) await new Promise((resolve) => setImmediate(resolve));

    for (let revision = 0; revision < 120; revision++)
      await store.append([{ streamId: 'agent-8', expectedRevision: revision, events: [newEvent()] }]);
    expect(batches).toHaveLength(1);
    release();
    while (batches.flat().length < 121) await new Promise((resolve) => setImmediate(resolve));
    await subscription.stop();

    expect(batches.flat().map((e) => e.revision)).toEqual(Array.from({ length: 121 }, (_, i) => i));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(50);
    expect(batches.length).toBeLessThan(10);
  });

  it('is unavailable once closed, and disposes the client', async () => {
    await store.close();

    expect(server.disposed).toBe(true);
    expect(store.health()).toEqual({ healthy: false, detail: 'closed' });
    await expect(store.readStream('x')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.append([])).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });

  it('maps a wrong expected version on a multi-stream append to the request that failed', async () => {
    await store.append([{ streamId: 'agent-10', expectedRevision: 'no_stream', events: [newEvent()] }]);

    const error = await store
      .append([
        { streamId: 'conversation-10', expectedRevision: 'no_stream', events: [newEvent()] },
        { streamId: 'agent-10', expectedRevision: 4, events: [newEvent()] },
      ])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ streamId: 'agent-10', expected: 4, actual: 0 });
  });
});

describe('EventStoreDbEventStore from a connection string', () => {
  it('accepts esdb:// and kurrentdb:// without connecting until used', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const connectionString of ['esdb://localhost:2113?tls=false', 'kurrentdb://localhost:2113?tls=false']) {
      const store = new EventStoreDbEventStore(connectionString);
      expect(store.isHealthy()).toBe(true);
      await store.close();
    }
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
