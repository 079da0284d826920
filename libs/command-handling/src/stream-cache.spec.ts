import { EventStore, NewEvent, WrongExpectedRevisionError } from '#event-store';
import { InMemoryEventStore } from '#event-store/testing';
import { StreamCache } from './stream-cache';

const event = (n: number): NewEvent => ({
  eventId: `e${n}`,
  type: 'agent.presence_changed',
  data: { agentId: 'a1', status: 'available' },
  metadata: {
    actor: { kind: 'system', id: 'spec' },
    occurredAt: '2026-11-23T10:00:00.000Z',
    at: '2026-11-23T10:00:00.000Z',
    schemaVersion: 1,
  },
});
const count = (n: number | undefined) => (n ?? 0) + 1;
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'written',
    (error: unknown) => error,
  );

/** Appends wait at the gate until the spec lets them through, in the order it chooses. */
const gatedStore = () => {
  const held: (() => void)[] = [];
  let gated = false;
  const store = new InMemoryEventStore({
    gate: (operation) =>
      gated && operation === 'append' ? new Promise<void>((release) => held.push(release)) : Promise.resolve(),
  });
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  return {
    store,
    hold: () => (gated = true),
    /** Lets the n-th append still waiting through (0 = the oldest), then lets its promise chain run. */
    async release(n: number) {
      held.splice(n, 1)[0]();
      await flush();
    },
    async releaseAll() {
      while (held.length > 0) await this.release(0);
    },
    flush,
  };
};

/** A cache that loaded revision 0 of stream `s` and has appended revision 1 through the gate, still held there. */
const firstAppendInFlight = async () => {
  const gated = gatedStore();
  const { store, hold, flush } = gated;
  await store.append([{ streamId: 's', expectedRevision: 'no_stream', events: [event(0)] }]);
  const cache = new StreamCache(store);
  const loaded = await cache.load('s', count);
  hold();
  const first = outcome(
    cache.append(store, [{ streamId: 's', expectedRevision: 0, events: [event(1)] }], [loaded], () => undefined),
  );
  await flush();
  return { store, cache, first, release: (n: number) => gated.release(n) };
};

describe('StreamCache on a store shared with another process', () => {
  // Found by the simulation (docs/simulation.md): an agent pushed above capacity with two instances.
  it('fails an append decided on a foreseen state when the append it builds on failed', async () => {
    const { store, hold, release, releaseAll, flush } = gatedStore();
    await store.append([{ streamId: 's', expectedRevision: 'no_stream', events: [event(0)] }]);
    const cache = new StreamCache(store);
    const loaded = await cache.load('s', count);
    hold();
    let handedOver = false;
    const first = outcome(
      cache.append(
        store,
        [{ streamId: 's', expectedRevision: 0, events: [event(1)] }],
        [loaded],
        () => (handedOver = true),
      ),
    );
    await flush();
    expect(handedOver).toBe(true);
    // Another instance writes revision 1 first, so the first append fails…
    const elsewhere = (store as EventStore).append([{ streamId: 's', expectedRevision: 0, events: [event(2)] }]);
    // …and this one, decided on the state the first would have left, expects revision 1 too.
    const foreseen = await cache.load('s', count);
    const second = outcome(
      cache.append(store, [{ streamId: 's', expectedRevision: 1, events: [event(3)] }], [foreseen], () => undefined),
    );
    await release(1);
    await elsewhere;
    await release(0);
    await releaseAll();
    expect(await first).toBeInstanceOf(WrongExpectedRevisionError);
    expect(await second).toBeInstanceOf(WrongExpectedRevisionError);
    expect((await store.readStream('s')).map((e) => e.eventId)).toEqual(['e0', 'e2']);
  });

  // Found by the simulation (seed 592667): the decision was taken before the failure, its append made after it.
  it('fails an append made after the append it builds on failed, as when made before', async () => {
    const { store, cache, first, release } = await firstAppendInFlight();
    const foreseen = await cache.load('s', count);
    expect(foreseen).toMatchObject({ revision: 1, state: 2 });
    const elsewhere = (store as EventStore).append([{ streamId: 's', expectedRevision: 0, events: [event(2)] }]);
    await release(1);
    await elsewhere;
    await release(0);
    expect(await first).toBeInstanceOf(WrongExpectedRevisionError);
    const second = await outcome(
      cache.append(store, [{ streamId: 's', expectedRevision: 1, events: [event(3)] }], [foreseen], () => undefined),
    );
    expect(second).toBeInstanceOf(WrongExpectedRevisionError);
    expect((await store.readStream('s')).map((e) => e.eventId)).toEqual(['e0', 'e2']);
    expect(await cache.load('s', count)).toMatchObject({ revision: 1, state: 2 });
  });

  it('reads a stream again from the store when the state it foresaw did not happen', async () => {
    const { store, cache, first, release } = await firstAppendInFlight();
    // Another writer takes revision 1, then a second writer revision 2: a load now reads revision 2 onto the
    // foreseen revision 1, which is not the one stored.
    const elsewhere = (store as EventStore).append([{ streamId: 's', expectedRevision: 0, events: [event(2)] }]);
    await release(1);
    await elsewhere;
    const later = (store as EventStore).append([{ streamId: 's', expectedRevision: 1, events: [event(4)] }]);
    await release(1);
    await later;
    const mixed = cache.load('s', count);
    await release(0);
    expect(await first).toBeInstanceOf(WrongExpectedRevisionError);
    await mixed;
    expect((await cache.load('s', count)).revision).toBe(2);
    expect(cache.peek('s')).toBe(3);
  });
});

describe('as the sole writer', () => {
  it('serves a cached stream without reading the store, and reads a forgotten one again', async () => {
    const store = new InMemoryEventStore();
    await store.append([{ streamId: 's', expectedRevision: 'no_stream', events: [event(0)] }]);
    const cache = new StreamCache(store, { soleWriter: true });
    const reads = jest.spyOn(store, 'readStream');
    const loaded = await cache.load('s', count);
    await cache.append(store, [{ streamId: 's', expectedRevision: 0, events: [event(1)] }], [loaded], () => undefined);
    expect(await cache.load('s', count)).toMatchObject({ state: 2, revision: 1 });
    expect(reads).toHaveBeenCalledTimes(1);

    await store.append([{ streamId: 's', expectedRevision: 'any', events: [event(2)] }]);
    cache.forget('s');
    expect(await cache.load('s', count)).toMatchObject({ state: 3, revision: 2 });
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('remembers a stream read empty until it is written through the cache or forgotten', async () => {
    const store = new InMemoryEventStore();
    const cache = new StreamCache(store, { soleWriter: true });
    const reads = jest.spyOn(store, 'readStream');
    expect(await cache.load('s', count)).toMatchObject({ state: undefined, revision: -1 });
    const empty = await cache.load('s', count);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(cache.unread('s', count)).toBeUndefined();
    await cache.append(
      store,
      [{ streamId: 's', expectedRevision: 'no_stream', events: [event(0)] }],
      [empty],
      () => {},
    );
    expect(await cache.load('s', count)).toMatchObject({ state: 1, revision: 0 });
    expect(reads).toHaveBeenCalledTimes(1);

    await cache.load('t', count);
    await store.append([{ streamId: 't', expectedRevision: 'any', events: [event(1)] }]);
    cache.forget('t');
    expect(await cache.load('t', count)).toMatchObject({ state: 1, revision: 0 });
    expect(reads).toHaveBeenCalledTimes(3);
  });

  it('reads an empty stream every time when not the sole writer', async () => {
    const store = new InMemoryEventStore();
    const cache = new StreamCache(store);
    const reads = jest.spyOn(store, 'readStream');
    await cache.load('s', count);
    await cache.load('s', count);
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('takes a stream it does not hold as unread, and holds the state foreseen once the append is queued', async () => {
    const store = new InMemoryEventStore();
    const cache = new StreamCache(store, { soleWriter: true });
    const reads = jest.spyOn(store, 'readStream');
    const unread = cache.unread('s', count)!;
    expect(unread).toMatchObject({ state: undefined, revision: -1, unread: 's' });
    expect(cache.peek('s')).toBeUndefined();
    let handedOver = false;
    const appending = cache.append(
      store,
      [{ streamId: 's', expectedRevision: 'no_stream', events: [event(0)] }],
      [unread],
      () => (handedOver = true),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(handedOver).toBe(true);
    expect(cache.peek('s')).toBe(1);
    await appending;
    expect(cache.unread('s', count)).toBeUndefined();
    expect(await cache.load('s', count)).toMatchObject({ state: 1, revision: 0 });
    expect(reads).not.toHaveBeenCalled();
  });

  it('forgets a stream taken as unread when the append finds it written', async () => {
    const store = new InMemoryEventStore();
    await store.append([{ streamId: 's', expectedRevision: 'no_stream', events: [event(0)] }]);
    const cache = new StreamCache(store, { soleWriter: true });
    const unread = cache.unread('s', count)!;
    const appending = cache.append(
      store,
      [{ streamId: 's', expectedRevision: 'no_stream', events: [event(1)] }],
      [unread],
      () => undefined,
    );
    await expect(appending).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await cache.load('s', count)).toMatchObject({ state: 1, revision: 0 });
  });
});

it('takes no stream as unread unless it is the sole writer', () => {
  expect(new StreamCache(new InMemoryEventStore()).unread('s', count)).toBeUndefined();
});
