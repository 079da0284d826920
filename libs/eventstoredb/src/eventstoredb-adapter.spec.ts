import { randomUUID } from 'node:crypto';
import { TimeoutError, UnknownError, UnsupportedError, jsonEvent } from '@kurrent/kurrentdb-client';
import type { AllStreamResolvedEvent } from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, NewEvent, StoredEvent, WrongExpectedRevisionError } from '#event-store';
import { EventCollector } from '#event-store/testing';
import { eventStoreContract } from '#event-store/testing';
import { METADATA_KEY } from './event-mapping';
import { EventStoreDbEventStore, EventStoreDbOptions, KurrentClient } from './eventstoredb-event-store';
import { atEndpoint, notLeaderOf } from './not-leader';
import { UnsupportedServerError } from './server-check';
import { SimulatedKurrentClient } from './testing/simulated-kurrent-client';
import { bridgeError, grpcUnavailable, notLeaderError } from './testing/wire-errors';

/**
 * The adapter's own logic (mappings, batching, backpressure, stop, retries, health) over an
 * in-memory SIMULATION of the client. This does not show that it works with a real KurrentDB:
 * eventstoredb-event-store.spec.ts runs the contract against a server when one is configured.
 */
const fast = { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 };

function storeOver(server: SimulatedKurrentClient, options: EventStoreDbOptions = {}): EventStoreDbEventStore {
  return new EventStoreDbEventStore(server as unknown as KurrentClient, {
    readRetry: fast,
    subscriptionRetry: fast,
    subscriptionBatchSize: 50,
    ...options,
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
    store = storeOver(server, { onUnavailable: (e) => unavailable.push(e) });
    await store.append([{ streamId: 'agent-4', expectedRevision: 'any', events: [newEvent()] }]);
    server.failNext('readStream', bridgeError('UnavailableError', 'node down'), 2);

    expect(await store.readStream('agent-4')).toHaveLength(1);
    expect(unavailable).toHaveLength(2);
    expect(store.isHealthy()).toBe(true);
  });

  it('gives up on reads after the configured attempts with EventStoreUnavailableError', async () => {
    server.failNext('readAll', bridgeError('DeadlineExceededError', 'deadline exceeded'), 3);

    await expect(store.headPosition()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(store.isHealthy()).toBe(false);
  });

  it('does not retry errors that are not about availability', async () => {
    server.failNext('readStream', bridgeError('UnknownError', 'boom'), 1);

    await expect(store.readStream('agent-5')).rejects.toBeInstanceOf(UnknownError);
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

    server.dropSubscriptions(grpcUnavailable('connection reset'));
    await store.append([{ streamId: 'agent-7', expectedRevision: 0, events: [newEvent()] }]);
    await collector.untilMine(2);
    await subscription.stop();

    expect(collector.mine.map((e) => e.revision)).toEqual([0, 1]);
    expect(server.liveSubscriptions).toBe(0);
  });

  it('is unhealthy while a subscription has lost the server, and healthy again once re-subscribed, even with no new event', async () => {
    const subscription = store.subscribeToAll(0, () => undefined);
    await until(() => server.liveSubscriptions === 1);

    server.dropSubscriptions(grpcUnavailable('connection reset'));
    await until(() => !store.isHealthy());
    expect(store.health().detail).toMatch(/lost the server \(14 UNAVAILABLE: connection reset\)/);
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

describe('issue 14: gaps found against the client and server sources (simulated)', () => {
  let server: SimulatedKurrentClient;
  let store: EventStoreDbEventStore;

  beforeEach(() => {
    server = new SimulatedKurrentClient();
    store = storeOver(server);
  });

  afterEach(() => store.close());

  describe('1. throwOnAppendFailure=false', () => {
    it('maps a conflict the client resolves as { success: false } to WrongExpectedRevisionError, with the actual revision', async () => {
      server.throwOnAppendFailure = false;
      await store.append([{ streamId: 'agent-20', expectedRevision: 'no_stream', events: [newEvent(), newEvent()] }]);

      const stale = await store
        .append([{ streamId: 'agent-20', expectedRevision: 0, events: [newEvent()] }])
        .catch((e: unknown) => e);
      const missing = await store
        .append([{ streamId: 'agent-21', expectedRevision: 3, events: [newEvent()] }])
        .catch((e: unknown) => e);

      expect(stale).toBeInstanceOf(WrongExpectedRevisionError);
      expect(stale).toMatchObject({ streamId: 'agent-20', expected: 0, actual: 1 });
      expect(missing).toMatchObject({ streamId: 'agent-21', expected: 3, actual: 'no_stream' });
      expect(await store.readStream('agent-20')).toHaveLength(2);
      expect(await store.readStream('agent-21')).toEqual([]);
    });
  });

  describe('2. a leader change in a cluster', () => {
    it("recognises the server's not-leader answer, which the client surfaces as UnknownError", () => {
      const error = notLeaderError({ host: 'node2.cluster', port: 2113 });

      expect(error).toBeInstanceOf(UnknownError);
      expect(notLeaderOf(error)).toEqual({ host: 'node2.cluster', port: 2113 });
      expect(notLeaderOf(grpcUnavailable())).toBeUndefined();
    });

    const twoStreams = (n: number) => [
      { streamId: `conversation-2${n}`, expectedRevision: 'no_stream' as const, events: [newEvent()] },
      { streamId: `agent-2${n}`, expectedRevision: 'any' as const, events: [newEvent()] },
    ];

    /** A store on node1 of the simulated cluster that can open clients to other nodes; `opened` lists them. */
    function clusterStore(): SimulatedKurrentClient[] {
      const opened: SimulatedKurrentClient[] = [];
      store = new EventStoreDbEventStore(
        (leader) => {
          if (!leader) return server as unknown as KurrentClient;
          const client = server.connectTo(leader);
          opened.push(client);
          return client as unknown as KurrentClient;
        },
        { readRetry: fast, subscriptionRetry: fast },
      );
      return opened;
    }

    it('aims the configured connection string at the leader alone, keeping credentials and settings', async () => {
      const leader = atEndpoint(
        'kurrentdb+discover://admin:changeit@seed-1:2113,seed-2:2113?tls=false&nodePreference=leader',
        {
          host: 'node2.cluster',
          port: 2113,
        },
      );

      expect(leader).toBe('kurrentdb://admin:changeit@node2.cluster:2113?tls=false&nodePreference=leader');
      await new EventStoreDbEventStore(leader).close();
    });

    it('sends a multi-stream append refused by a follower again to the leader it names, and later ones straight there', async () => {
      const opened = clusterStore();
      await store.append(twoStreams(0));
      server.elect('node2:2113');

      const result = await store.append(twoStreams(1));
      await store.append(twoStreams(2));

      expect(opened.map((client) => client.node)).toEqual(['node2:2113']);
      expect(opened[0].multiStreamAppendCalls).toHaveLength(2);
      expect(server.multiStreamAppendCalls).toHaveLength(2);
      expect(result.revisions).toEqual({ 'conversation-21': 0, 'agent-21': 0 });
      expect(await store.readStream('conversation-21')).toHaveLength(1);
      expect(store.isHealthy()).toBe(true);
    });

    it('opens one client to the leader for appends a follower refused concurrently', async () => {
      const opened = clusterStore();
      server.elect('node2:2113');

      await Promise.all([4, 5, 6].map((n) => store.append(twoStreams(n))));

      expect(opened).toHaveLength(1);
      expect(opened[0].multiStreamAppendCalls).toHaveLength(3);
      await store.close();
      expect(opened[0].disposed).toBe(true);
    });

    it('gives up as unavailable, having written nothing, when no node it is sent to leads', async () => {
      server.elect('node2:2113');

      const error = await store
        .append([
          { streamId: 'conversation-23', expectedRevision: 'no_stream', events: [newEvent()] },
          { streamId: 'agent-23', expectedRevision: 'any', events: [newEvent()] },
        ])
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(EventStoreUnavailableError);
      expect(error).toMatchObject({ message: expect.stringMatching(/node2:2113.*nothing was written/) });
      expect(store.isHealthy()).toBe(false);
      expect(server.multiStreamAppendCalls).toHaveLength(4);
      expect(await store.readStream('conversation-23')).toEqual([]);
    });
  });

  describe('4. events on $all that are not ours, or cannot be read', () => {
    const ours = (streamId: string) => store.append([{ streamId, expectedRevision: 'any', events: [newEvent()] }]);

    it("skips another writer's event with a malformed omnichannel-metadata, logs and counts it, and keeps delivering", async () => {
      const warnings: string[] = [];
      store = storeOver(server, { logger: { warn: (message) => warnings.push(message) } });
      const collector = new EventCollector(new Set(['agent-40']));
      const errors: unknown[] = [];
      const subscription = store.subscribeToAll(0, collector.handler, (e) => errors.push(e));
      await ours('agent-40');
      await collector.untilMine(1);

      server.writeForeignEvent('billing-1', 'InvoiceSent', { [METADATA_KEY]: '{not json' });
      server.writeForeignEvent('billing-1', 'InvoicePaid', { source: 'billing' });
      const last = await ours('agent-40');
      await collector.untilMine(2);
      await subscription.stop();

      expect(errors).toEqual([]);
      expect(collector.all.map((e) => e.streamId)).toEqual(['agent-40', 'agent-40']);
      expect(store.skippedEvents).toEqual({ foreign: 1, unreadable: 1 });
      expect(warnings).toEqual([expect.stringMatching(/InvoiceSent.*billing-1/)]);
      expect((await store.readAll(0, 10)).map((e) => e.streamId)).toEqual(['agent-40', 'agent-40']);
      expect(await store.headPosition()).toBe(last.position);
    });

    it('skips an old TCP-transaction event whose position reads as 2^64 − 1, live and in catch-up, and the head is the last event it can deliver', async () => {
      const unknownPosition = { commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n };
      store = storeOver(server, { logger: { warn: () => undefined } });
      const live = new EventCollector(new Set(['agent-41']));
      const errors: unknown[] = [];
      const subscription = store.subscribeToAll(0, live.handler, (e) => errors.push(e));
      await ours('agent-41');
      await live.untilMine(1);

      server.writeForeignEvent('legacy-1', 'OrderPlaced', { source: 'tcp' }, unknownPosition);
      const envelope = { [METADATA_KEY]: JSON.stringify(newEvent().metadata) };
      server.writeForeignEvent('legacy-2', 'Tested', envelope, unknownPosition);
      const last = await ours('agent-41');
      await live.untilMine(2);
      const catchUp = new EventCollector(new Set(['agent-41']));
      const replay = store.subscribeToAll(0, catchUp.handler, (e) => errors.push(e));
      await catchUp.untilMine(2);
      await Promise.all([subscription.stop(), replay.stop()]);

      expect(errors).toEqual([]);
      expect(catchUp.all.map((e) => e.eventId)).toEqual(live.all.map((e) => e.eventId));
      expect(store.skippedEvents).toEqual({ foreign: 2, unreadable: 2 });
      server.writeForeignEvent('legacy-3', 'OrderPlaced', { source: 'tcp' }, unknownPosition);
      expect(await store.headPosition()).toBe(last.position);
    });

    it('pages on through $all when a whole page was left out', async () => {
      for (let i = 0; i < 5; i++) server.writeForeignEvent(`erp-${i}`, 'Synced', { source: 'erp' });
      await ours('agent-42');

      expect((await store.readAll(0, 2)).map((e) => e.streamId)).toEqual(['agent-42']);
    });
  });

  describe('5. the simulation follows the client and server', () => {
    it('starts a $all subscription after fromPosition, while reads include it', async () => {
      const written = await store.append([
        { streamId: 'agent-50', expectedRevision: 'any', events: [newEvent(), newEvent()] },
      ]);
      const [first] = await store.readStream('agent-50');
      const from = { commit: BigInt(first.position), prepare: BigInt(first.position) };

      const read: AllStreamResolvedEvent[] = [];
      for await (const resolved of server.readAll({ fromPosition: from, maxCount: 1 })) read.push(resolved);
      const subscription = server.subscribeToAll({ fromPosition: from });
      const delivered = await new Promise<AllStreamResolvedEvent>((resolve) => subscription.once('data', resolve));
      await subscription.unsubscribe();

      expect(read[0].event?.position?.commit).toBe(from.commit);
      expect(delivered.event?.position?.commit).toBe(BigInt(written.position));
    });

    it("answers a re-append of the same event ids at the same expected revision with the first write's result", async () => {
      const single = [newEvent(), newEvent()];
      const conversation = [newEvent()];
      const agent = [newEvent()];
      const many = () => [
        { streamId: 'conversation-51', expectedRevision: 'no_stream' as const, events: conversation },
        { streamId: 'agent-51', expectedRevision: 'any' as const, events: agent },
      ];

      const first = await store.append([{ streamId: 'agent-52', expectedRevision: 'no_stream', events: single }]);
      const again = await store.append([{ streamId: 'agent-52', expectedRevision: 'no_stream', events: single }]);
      const firstMany = await store.append(many());
      const againMany = await store.append(many());

      expect(again).toEqual(first);
      expect(againMany).toEqual(firstMany);
      expect(await store.readStream('agent-52')).toHaveLength(2);
      expect(await store.readStream('conversation-51')).toHaveLength(1);
      await expect(
        store.append([{ streamId: 'agent-52', expectedRevision: 'no_stream', events: [newEvent()] }]),
      ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    });

    it('refuses the same stream twice in one session as the client reports it (a TimeoutError), so the adapter never sends one', async () => {
      const twice = (name: string) => ({ streamName: name, expectedState: 'any' as const, events: [event()] });
      const event = () => jsonEvent({ type: 'Tested', data: {}, metadata: { k: 'v' } });

      await expect(server.multiStreamAppend([twice('queue-5'), twice('QUEUE-5')])).rejects.toBeInstanceOf(TimeoutError);
      await expect(
        store.append([
          { streamId: 'queue-5', expectedRevision: 'any', events: [newEvent()] },
          { streamId: 'QUEUE-5', expectedRevision: 'any', events: [newEvent()] },
        ]),
      ).rejects.toThrow(/more than once/);
      expect(server.multiStreamAppendCalls).toHaveLength(1);
    });

    it("checks the server's capabilities before the metadata, and the metadata before the expected revisions", async () => {
      const bad = [
        { streamName: 'a', expectedState: 5n, events: [jsonEvent({ type: 'T', data: {}, metadata: { n: 1 } })] },
      ];
      const good = [{ streamName: 'a', expectedState: 5n, events: [jsonEvent({ type: 'T', data: {}, metadata: {} })] }];

      await expect(server.multiStreamAppend(bad)).rejects.toThrow(/string values/);
      await expect(server.multiStreamAppend(good)).rejects.toMatchObject({ streamName: 'a', actualState: 'no_stream' });
      server.serverVersion = '24.10.5';
      await expect(server.multiStreamAppend(bad)).rejects.toBeInstanceOf(UnsupportedError);
    });

    it("fails reads the way the client's read connection names its errors", async () => {
      const error = await store.readStream('agent-53').catch((e: unknown) => e);
      server.failNext('readStream', bridgeError('DeadlineExceededError', 'timed out'));
      server.failNext('readStream', bridgeError('ParseError', 'bad frame'));

      expect(error).toEqual([]);
      await expect(store.readStream('agent-53')).rejects.toBeInstanceOf(UnknownError);
    });
  });

  describe('6. a server without multi-stream appends', () => {
    it('is refused on the first call of any kind, naming the minimum version, and reported in health', async () => {
      server.serverVersion = '24.10.5';
      const reported: unknown[] = [];

      await expect(store.verifyServer()).rejects.toThrow(/KurrentDB 24\.10\.5 .*needs KurrentDB 25\.1 or later/);
      await expect(store.readStream('agent-60')).rejects.toBeInstanceOf(UnsupportedServerError);
      await expect(store.headPosition()).rejects.toBeInstanceOf(UnsupportedServerError);
      await expect(
        store.append([{ streamId: 'agent-60', expectedRevision: 'any', events: [newEvent()] }]),
      ).rejects.toBeInstanceOf(UnsupportedServerError);
      const subscription = store.subscribeToAll(
        0,
        () => undefined,
        (e) => reported.push(e),
      );
      await until(() => reported.length > 0);
      await subscription.stop();

      expect(reported).toEqual([expect.any(UnsupportedServerError)]);
      expect(store.health()).toEqual({ healthy: false, detail: expect.stringMatching(/25\.1 or later/) });
      expect(server.log.filter((e) => e.streamId === 'agent-60')).toEqual([]);
    });

    it('does not remember a server it could not reach', async () => {
      server.failNext('capabilities', grpcUnavailable());

      expect(await store.readStream('agent-61')).toEqual([]);
      expect(store.isHealthy()).toBe(true);
    });
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
