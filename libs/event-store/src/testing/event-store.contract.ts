import { randomUUID } from 'node:crypto';
import { EventStore, NewEvent, StoredEvent, WrongExpectedRevisionError } from '../port';
import { EventCollector } from './event-collector';

export interface EventStoreUnderTest {
  store: EventStore;
  dispose(): Promise<void>;
}

/**
 * The behaviour every EventStore adapter must share. Each test uses its own random stream ids
 * and only looks at its own streams' events, and never assumes positions are dense or start at
 * 1, so the suite can also run against a long-lived shared server store.
 */
export function eventStoreContract(name: string, createStore: () => Promise<EventStoreUnderTest>): void {
  describe(`EventStore contract: ${name}`, () => {
    let underTest: EventStoreUnderTest;
    let store: EventStore;

    beforeEach(async () => {
      underTest = await createStore();
      store = underTest.store;
    });

    afterEach(() => underTest.dispose());

    describe('append', () => {
      it('appends to a new stream with no_stream and reads it back', async () => {
        const s = streamId('new');
        const events = [newEvent('Opened', { n: 1 }), newEvent('Renamed', { n: 2 })];

        const result = await store.append([{ streamId: s, expectedRevision: 'no_stream', events }]);

        expect(result.revisions).toEqual({ [s]: 1 });
        const stored = await store.readStream(s);
        expect(stored).toMatchObject(events.map((event, revision) => ({ streamId: s, revision, ...event })));
        expect(stored[1].position).toBe(result.position);
        expect(stored[0].position).toBeLessThan(stored[1].position);
        for (const event of stored) expect(new Date(event.recordedAt).toISOString()).toBe(event.recordedAt);
      });

      it('appends at a matching numeric revision', async () => {
        const s = await existingStream(store, 'numeric', 2);

        const result = await store.append([{ streamId: s, expectedRevision: 1, events: [newEvent()] }]);

        expect(result.revisions).toEqual({ [s]: 2 });
        expect((await store.readStream(s)).map((event) => event.revision)).toEqual([0, 1, 2]);
      });

      it('reads at most maxCount events of a stream from a revision', async () => {
        const s = await existingStream(store, 'bounded', 4);

        expect((await store.readStream(s, 1, 2)).map((event) => event.revision)).toEqual([1, 2]);
        expect((await store.readStream(s, 3, 5)).map((event) => event.revision)).toEqual([3]);
        expect((await store.readStream(s, 2)).map((event) => event.revision)).toEqual([2, 3]);
      });

      it('rejects a numeric revision that does not match, writing nothing', async () => {
        const s = await existingStream(store, 'stale', 1);

        const error = await rejectionOf(store.append([{ streamId: s, expectedRevision: 5, events: [newEvent()] }]));

        expectWrongRevision(error, { streamId: s, expected: 5, actual: 0 });
        expect(await store.readStream(s)).toHaveLength(1);
      });

      it('rejects no_stream for a stream that exists, writing nothing', async () => {
        const s = await existingStream(store, 'exists', 2);

        const error = await rejectionOf(
          store.append([{ streamId: s, expectedRevision: 'no_stream', events: [newEvent()] }]),
        );

        expectWrongRevision(error, { streamId: s, expected: 'no_stream', actual: 1 });
        expect(await store.readStream(s)).toHaveLength(2);
      });

      it('rejects a numeric revision for a stream that does not exist', async () => {
        const s = streamId('missing');

        const error = await rejectionOf(store.append([{ streamId: s, expectedRevision: 0, events: [newEvent()] }]));

        expectWrongRevision(error, { streamId: s, expected: 0, actual: 'no_stream' });
        expect(await store.readStream(s)).toEqual([]);
      });

      it('appends with any whether or not the stream exists', async () => {
        const s = streamId('any');

        await store.append([{ streamId: s, expectedRevision: 'any', events: [newEvent()] }]);
        const result = await store.append([{ streamId: s, expectedRevision: 'any', events: [newEvent(), newEvent()] }]);

        expect(result.revisions).toEqual({ [s]: 2 });
        expect(await store.readStream(s)).toHaveLength(3);
      });

      it('writes several streams in one append, in request order', async () => {
        const a = streamId('multi-a');
        const b = await existingStream(store, 'multi-b', 1);

        const result = await store.append([
          { streamId: a, expectedRevision: 'no_stream', events: [newEvent(), newEvent()] },
          { streamId: b, expectedRevision: 0, events: [newEvent()] },
        ]);

        expect(result.revisions).toEqual({ [a]: 1, [b]: 1 });
        const written = [...(await store.readStream(a)), ...(await store.readStream(b, 1))];
        expectStrictlyIncreasing(written.map((event) => event.position));
        expect(written[2].position).toBe(result.position);
      });

      it('writes nothing to any stream when one request conflicts', async () => {
        const a = streamId('atomic-a');
        const b = await existingStream(store, 'atomic-b', 1);
        const head = await store.headPosition();

        const error = await rejectionOf(
          store.append([
            { streamId: a, expectedRevision: 'no_stream', events: [newEvent()] },
            { streamId: b, expectedRevision: 3, events: [newEvent()] },
          ]),
        );

        expectWrongRevision(error, { streamId: b, expected: 3, actual: 0 });
        expect(await store.readStream(a)).toEqual([]);
        expect(await store.readStream(b)).toHaveLength(1);
        expect(mine(await store.readAll(head, 100), [a, b])).toEqual([]);
      });

      it.each([
        ['a numeric revision', 1, 0],
        ['no_stream', 0, 'no_stream'],
      ] as const)('lets exactly one of concurrent appends at %s win', async (_, existing, expected) => {
        const s = await existingStream(store, 'race', existing);

        const outcomes = await Promise.allSettled(
          Array.from({ length: 10 }, () =>
            store.append([{ streamId: s, expectedRevision: expected, events: [newEvent()] }]),
          ),
        );

        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(WrongExpectedRevisionError);
        }
        expect(await store.readStream(s)).toHaveLength(existing + 1);
      });
      // Issue 22 relies on it: appends that each claim the same new stream (a channel event's marker) together
      // with streams of their own; exactly one is written, the others write nothing and name the claimed stream.
      it('lets exactly one of concurrent multi-stream appends claiming the same new stream win, atomically', async () => {
        const claimed = streamId('claim');
        const own = Array.from({ length: 6 }, (_, n) => streamId(`claimant-${n}`));

        const outcomes = await Promise.allSettled(
          own.map((s) =>
            store.append([
              { streamId: s, expectedRevision: 'no_stream', events: [newEvent()] },
              { streamId: claimed, expectedRevision: 'no_stream', events: [newEvent()] },
            ]),
          ),
        );

        const won = outcomes.flatMap((outcome, n) => (outcome.status === 'fulfilled' ? [own[n]] : []));
        expect(won).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected')
            expect(outcome.reason).toMatchObject({ name: 'WrongExpectedRevisionError', streamId: claimed });
        }
        expect(await store.readStream(claimed)).toHaveLength(1);
        for (const s of own) expect(await store.readStream(s)).toHaveLength(s === won[0] ? 1 : 0);
      });
    });

    describe('reads', () => {
      it('reads a stream from a revision, and an unknown stream as []', async () => {
        const s = await existingStream(store, 'from', 5);

        expect((await store.readStream(s, 2)).map((event) => event.revision)).toEqual([2, 3, 4]);
        expect(await store.readStream(s, 5)).toEqual([]);
        expect(await store.readStream(streamId('unknown'))).toEqual([]);
      });

      it('reads the newest event of a stream, and of an unknown stream undefined', async () => {
        const s = await existingStream(store, 'last', 3);

        expect(await store.readLastEvent(s)).toEqual((await store.readStream(s, 2))[0]);
        expect(await store.readLastEvent(streamId('unknown'))).toBeUndefined();
      });

      it('reads all streams in append order with strictly increasing positions', async () => {
        const a = streamId('all-a');
        const b = streamId('all-b');
        const head = await store.headPosition();
        const appended = [
          ...(await appendOne(store, a, 'no_stream')),
          ...(await appendOne(store, b, 'no_stream')),
          ...(await appendOne(store, a, 0)),
        ];

        const read = mine(await store.readAll(head, 1000), [a, b]);

        expect(read.map((event) => event.eventId)).toEqual(appended.map((event) => event.eventId));
        expect(read.map((event) => event.streamId)).toEqual([a, b, a]);
        expectStrictlyIncreasing(read.map((event) => event.position));
        for (const event of read) expect(event.position).toBeGreaterThan(head);
      });

      it('pages through all streams with maxCount', async () => {
        const head = await store.headPosition();
        const s = await existingStream(store, 'paging', 5);

        const pages: StoredEvent[][] = [];
        let after = head;
        while (mine(pages.flat(), [s]).length < 5) {
          const page = await store.readAll(after, 2);
          expect(page.length).toBeGreaterThan(0);
          expect(page.length).toBeLessThanOrEqual(2);
          pages.push(page);
          after = page[page.length - 1].position;
        }

        expect(pages[0]).toHaveLength(2);
        expect(pages.flat().map((event) => event.position)).toEqual(
          (await store.readAll(head, pages.flat().length)).map((event) => event.position),
        );
        expect(mine(pages.flat(), [s]).map((event) => event.revision)).toEqual([0, 1, 2, 3, 4]);
      });

      it('reads the same events parsed (readAllParsed) as readAll, page by page, where the adapter has it', async () => {
        if (!store.readAllParsed) return;
        const head = await store.headPosition();
        const a = await existingStream(store, 'parsed-a', 3);
        const b = streamId('parsed-b');
        await store.append([
          { streamId: b, expectedRevision: 'no_stream', events: [newEvent('Nested', { list: [1, { two: null }] })] },
        ]);

        const all = mine(await store.readAll(head, 1000), [a, b]);
        const parsed = mine(await store.readAllParsed(head, 1000), [a, b]);
        const paged: StoredEvent[] = [];
        for (let after = head; mine(paged, [a, b]).length < 4;) {
          const page = await store.readAllParsed(after, 2);
          expect(page.length).toBeGreaterThan(0);
          paged.push(...page);
          after = page[page.length - 1].position;
        }

        expect(all).toHaveLength(4);
        expect(parsed).toEqual(all);
        expect(mine(paged, [a, b])).toEqual(all);
      });

      it('reports the newest position as the head', async () => {
        const before = await store.headPosition();
        const s = streamId('head');

        const result = await store.append([{ streamId: s, expectedRevision: 'no_stream', events: [newEvent()] }]);

        expect(result.position).toBeGreaterThan(before);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(result.position);
        expect(mine(await store.readAll(result.position, 100), [s])).toEqual([]);
      });

      it('round-trips data and metadata exactly', async () => {
        const s = streamId('json');
        const head = await store.headPosition();
        const event: NewEvent = {
          eventId: randomUUID(),
          type: 'Everything',
          data: {
            text: 'héllo wörld — 你好 👋🏽 \u0000 "quoted" \\ \n\t',
            nested: { list: [1, 'two', { three: [3] }, null, true], empty: {}, none: [] },
            numbers: { float: 1.5, negative: -42, big: Number.MAX_SAFE_INTEGER, zero: 0 },
            flags: { yes: true, no: false, nothing: null },
          },
          metadata: {
            actor: { kind: 'customer', id: 'cüstomer-☃' },
            causationId: randomUUID(),
            occurredAt: '2024-02-29T23:59:59.999Z',
            schemaVersion: 3,
            reason: { code: 'closed_by_agent', tags: ['ü', '🚀'] },
          },
        };

        await store.append([{ streamId: s, expectedRevision: 'no_stream', events: [event] }]);

        const collector = new EventCollector(new Set([s]));
        const subscription = store.subscribeToAll(head, collector.handler);
        await collector.untilMine(1);
        await subscription.stop();
        const [fromStream] = await store.readStream(s);
        const [fromAll] = mine(await store.readAll(head, 100), [s]);
        const fromParsed = store.readAllParsed ? mine(await store.readAllParsed(head, 100), [s]) : [fromAll];
        for (const read of [fromStream, fromAll, ...fromParsed, collector.mine[0]]) {
          expect(read.data).toEqual(event.data);
          expect(read.metadata).toEqual(event.metadata);
        }
      });
    });

    describe('subscribeToAll', () => {
      it('from 0 delivers existing then live events, in order, once each', async () => {
        const s = streamId('sub-zero');
        const existing = await appendOne(store, s, 'no_stream');
        const collector = new EventCollector(new Set([s]));

        const subscription = store.subscribeToAll(0, collector.handler);
        await collector.untilMine(1);
        const live = [...(await appendOne(store, s, 0)), ...(await appendOne(store, s, 1))];
        await collector.untilMine(3);
        const sentinel = await appendOne(store, s, 2);
        await collector.untilMine(4);
        await subscription.stop();

        const expected = [...existing, ...live, ...sentinel];
        expect(collector.mine.map((event) => event.eventId)).toEqual(expected.map((event) => event.eventId));
        expectStrictlyIncreasing(collector.all.map((event) => event.position));
        for (const batch of collector.batches) expect(batch.length).toBeGreaterThan(0);
      });

      it('from a middle position delivers only later events', async () => {
        const s = await existingStream(store, 'sub-middle', 4);
        const [, second] = await store.readStream(s);
        const collector = new EventCollector(new Set([s]));

        const subscription = store.subscribeToAll(second.position, collector.handler);
        await collector.untilMine(2);
        await appendOne(store, s, 3);
        await collector.untilMine(3);
        await subscription.stop();

        expect(collector.mine.map((event) => event.revision)).toEqual([2, 3, 4]);
        for (const event of collector.all) expect(event.position).toBeGreaterThan(second.position);
      });

      it('delivers everything appended while the handler is busy, in order, once each', async () => {
        const a = streamId('busy-a');
        const b = streamId('busy-b');
        const head = await store.headPosition();
        const collector = new EventCollector(new Set([a, b]));
        const release = deferred();
        const subscription = store.subscribeToAll(head, async (batch) => {
          collector.handler(batch);
          await release.promise;
        });

        await appendOne(store, a, 'no_stream');
        await collector.untilMine(1);
        // The handler is now blocked on its first batch: pile up sequential and concurrent appends.
        for (let revision = 0; revision < 9; revision++) await appendOne(store, a, revision);
        await Promise.all(
          Array.from({ length: 10 }, () =>
            store.append([{ streamId: b, expectedRevision: 'any', events: [newEvent(), newEvent()] }]),
          ),
        );
        release.resolve();
        await collector.untilMine(30);
        await appendOne(store, a, 9);
        await collector.untilMine(31);
        await subscription.stop();

        const expected = mine(await store.readAll(head, 1000), [a, b]);
        expect(expected).toHaveLength(31);
        expect(collector.mine.map((event) => event.eventId)).toEqual(expected.map((event) => event.eventId));
        expectStrictlyIncreasing(collector.all.map((event) => event.position));
      });

      it('stop() ends delivery once the in-flight handler call has finished', async () => {
        const s = streamId('stop');
        const head = await store.headPosition();
        const collector = new EventCollector(new Set([s]));
        const release = deferred();
        let handlerFinished = false;
        const subscription = store.subscribeToAll(head, async (batch) => {
          collector.handler(batch);
          await release.promise;
          handlerFinished = true;
        });
        await appendOne(store, s, 'no_stream');
        await collector.untilMine(1);

        let stopped = false;
        const stopping = subscription.stop().then(() => (stopped = true));
        await new Promise((resolve) => setImmediate(resolve));
        expect(stopped).toBe(false);
        release.resolve();
        await stopping;
        expect(handlerFinished).toBe(true);

        // A second subscription proves the next event was deliverable; the stopped one must not get it.
        await appendOne(store, s, 0);
        const witness = new EventCollector(new Set([s]));
        const witnessSubscription = store.subscribeToAll(head, witness.handler);
        await witness.untilMine(2);
        await witnessSubscription.stop();
        expect(collector.mine).toHaveLength(1);
      });

      it('stops and reports the error when the handler fails', async () => {
        const s = streamId('failing');
        const head = await store.headPosition();
        const failure = new Error('projection broke');
        const reported = deferred<unknown>();
        let calls = 0;
        const subscription = store.subscribeToAll(
          head,
          (batch) => {
            if (mine(batch, [s]).length === 0) return;
            calls += 1;
            throw failure;
          },
          reported.resolve,
        );

        await appendOne(store, s, 'no_stream');
        expect(await reported.promise).toBe(failure);
        await appendOne(store, s, 0);
        const witness = new EventCollector(new Set([s]));
        const witnessSubscription = store.subscribeToAll(head, witness.handler);
        await witness.untilMine(2);
        await witnessSubscription.stop();
        await subscription.stop();
        expect(calls).toBe(1);
      });
    });
  });
}

function streamId(label: string): string {
  return `contract_${label}-${randomUUID()}`;
}

function newEvent(type = 'SomethingHappened', data: Record<string, unknown> = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    data,
    metadata: { actor: { kind: 'system', id: 'contract' }, occurredAt: new Date().toISOString(), schemaVersion: 1 },
  };
}

async function appendOne(store: EventStore, s: string, expectedRevision: number | 'no_stream'): Promise<NewEvent[]> {
  const events = [newEvent()];
  await store.append([{ streamId: s, expectedRevision, events }]);
  return events;
}

/** A fresh stream id already holding `count` events (revisions 0..count-1); none: not created. */
async function existingStream(store: EventStore, label: string, count: number): Promise<string> {
  const s = streamId(label);
  if (count > 0) {
    await store.append([
      { streamId: s, expectedRevision: 'no_stream', events: Array.from({ length: count }, () => newEvent()) },
    ]);
  }
  return s;
}

/** This test's events only: a shared store may hold (and concurrently receive) other events. */
function mine(events: StoredEvent[], streamIds: string[]): StoredEvent[] {
  return events.filter((event) => streamIds.includes(event.streamId));
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

function expectWrongRevision(
  error: unknown,
  expected: Pick<WrongExpectedRevisionError, 'streamId' | 'expected' | 'actual'>,
): void {
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  expect(error).toMatchObject(expected);
}

function expectStrictlyIncreasing(positions: number[]): void {
  positions.forEach((position, index) => {
    if (index > 0) expect(position).toBeGreaterThan(positions[index - 1]);
  });
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}
