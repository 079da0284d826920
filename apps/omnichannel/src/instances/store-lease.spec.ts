import { setTimeout as delay } from 'node:timers/promises';
import { SOLE_OWNER_EVENTS, SOLE_OWNER_STREAM } from '#event-envelope';
import { AppendRequest, EventStore, EventStoreUnavailableError } from '#event-store';
import { InMemoryEventStore } from '#event-store/testing';
import { SoleOwnerTakenError } from './sole-owner-lock';
import { LeaseTimings, StoreLease } from './store-lease';

/**
 * Issue 19, point 7, on a store without locks: the sole-owner lease kept in a stream with expected revisions, on the
 * in-memory store (the same port EventStoreDB's adapter passes the contract suite for). Short timings: a lease of
 * 1 s renewed every 50 ms.
 */

const TIMINGS: LeaseTimings = { leaseMs: 1_000, renewEveryMs: 50 };

/** One instance's connection to the shared store, which a test may cut (nothing gets through) or make lose answers. */
class Connection implements EventStore {
  mode: 'up' | 'down' | 'answers-lost' = 'up';
  constructor(private readonly inner: EventStore) {}

  async append(requests: AppendRequest[]) {
    if (this.mode === 'down') throw new EventStoreUnavailableError('cut off');
    const result = await this.inner.append(requests);
    if (this.mode === 'answers-lost') throw new EventStoreUnavailableError('written, but the answer was lost');
    return result;
  }
  readStream(streamId: string, fromRevision?: number) {
    return this.up(() => this.inner.readStream(streamId, fromRevision));
  }
  readLastEvent(streamId: string) {
    return this.up(() => this.inner.readLastEvent(streamId));
  }
  readAll(afterPosition: number, maxCount: number) {
    return this.up(() => this.inner.readAll(afterPosition, maxCount));
  }
  headPosition() {
    return this.up(() => this.inner.headPosition());
  }
  subscribeToAll(...args: Parameters<EventStore['subscribeToAll']>) {
    return this.inner.subscribeToAll(...args);
  }
  close() {
    return Promise.resolve();
  }
  private up<T>(read: () => Promise<T>): Promise<T> {
    return this.mode === 'down' ? Promise.reject(new EventStoreUnavailableError('cut off')) : read();
  }
}

/** An instance: its connection, what it was told, and its lease once it holds one. */
const instance = (store: EventStore, id: string) => {
  const connection = new Connection(store);
  const told: string[] = [];
  const observed: string[] = [];
  const acquire = () =>
    StoreLease.acquire(
      connection,
      id,
      { lost: () => told.push('lost'), regained: () => told.push('regained') },
      { timings: TIMINGS, storeName: 'EventStoreDB', observing: (holder) => observed.push(holder) },
    );
  return { connection, told, observed, acquire };
};

const until = async (condition: () => boolean, what: string, deadlineMs = 10_000) => {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`not within ${deadlineMs} ms: ${what}`);
    await delay(10);
  }
};

let store: InMemoryEventStore;
const leases: StoreLease[] = [];
const held = async (acquiring: Promise<StoreLease>) => {
  const lease = await acquiring;
  leases.push(lease);
  return lease;
};

beforeEach(() => {
  store = new InMemoryEventStore();
});

afterEach(async () => {
  await Promise.all(leases.splice(0).map((lease) => lease.release()));
});

it('given a live holder, a second claimant refuses with one message naming it, and the holder keeps the lease', async () => {
  const a = instance(store, 'host-a:1');
  const first = await held(a.acquire());

  await expect(instance(store, 'host-b:2').acquire()).rejects.toThrow(SoleOwnerTakenError);
  await expect(instance(store, 'host-b:2').acquire()).rejects.toThrow(
    /^another instance owns every partition of this EventStoreDB store \(instance host-a:1 \(pid \d+ on .+, since .+; last renewed .+\)\) and KAFKA_BROKERS is unset/,
  );
  expect(first.valid).toBe(true);
  expect(a.told).toEqual([]);
});

it('given a holder that can no longer renew, it gives everything up when its lease ends and takes it back with its next renewal', async () => {
  const a = instance(store, 'a');
  const lease = await held(a.acquire());

  a.connection.mode = 'down';
  await until(() => a.told.length === 1, 'the lapse is reported');
  expect(lease.valid).toBe(false);

  a.connection.mode = 'up';
  await until(() => lease.valid, 'the lease is held again');
  expect(a.told).toEqual(['lost', 'regained']);
});

it('given a holder cut off for longer than its lease, another takes over, and the former holder never owns again beside it', async () => {
  const a = instance(store, 'a');
  const b = instance(store, 'b');
  const former = await held(a.acquire());
  a.connection.mode = 'down';

  const taken: { successor?: StoreLease } = {};
  let overlap = false;
  const watching = setInterval(() => (overlap ||= former.valid && taken.successor?.valid === true), 5);
  const successor = await held(b.acquire());
  taken.successor = successor;
  a.connection.mode = 'up';
  await until(() => a.told.length === 1, 'the former holder heard it lost');
  // Long enough for the former holder to renew in vain, find the takeover and watch the successor's renewals.
  const head = store.head;
  await until(() => store.head > head + 10, 'the successor renewed ten times');
  clearInterval(watching);

  expect(b.observed).toEqual([expect.stringContaining('instance a ')]);
  expect(successor.valid).toBe(true);
  expect(former.valid).toBe(false);
  expect(overlap).toBe(false);
  expect(a.told).toEqual(['lost']);
});

it('given a lapsed lease, of two claimants racing to take it over exactly one wins and the other refuses naming it', async () => {
  const a = instance(store, 'a');
  await held(a.acquire());
  a.connection.mode = 'down';

  const outcomes = await Promise.allSettled([instance(store, 'b').acquire(), instance(store, 'c').acquire()]);
  const won = outcomes.filter((o): o is PromiseFulfilledResult<StoreLease> => o.status === 'fulfilled');
  const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  leases.push(...won.map((o) => o.value));

  expect(won).toHaveLength(1);
  expect(refused).toHaveLength(1);
  expect(refused[0].reason).toBeInstanceOf(SoleOwnerTakenError);
  const claims = (await store.readStream(SOLE_OWNER_STREAM)).filter((e) => e.type === SOLE_OWNER_EVENTS.claimed);
  const winner = claims[claims.length - 1].data.instanceId;
  expect(['b', 'c']).toContain(winner);
  expect(String(refused[0].reason.message)).toContain(`instance ${winner} `);
});

it('given a released lease, the next instance claims it without waiting for it to lapse', async () => {
  const a = instance(store, 'a');
  const lease = await held(a.acquire());
  await lease.release();
  expect(lease.valid).toBe(false);

  const b = instance(store, 'b');
  const next = await held(b.acquire());

  expect(next.valid).toBe(true);
  expect(b.observed).toEqual([]);
});

it('given a renewal written whose answer was lost, the holder finds its own claim and keeps the lease', async () => {
  const a = instance(store, 'a');
  const lease = await held(a.acquire());
  a.connection.mode = 'answers-lost';
  const head = store.head;
  await until(() => store.head > head, 'a renewal was written');
  a.connection.mode = 'up';
  await until(() => store.head > head + 3, 'three more renewals');

  expect(lease.valid).toBe(true);
  expect(a.told).toEqual([]);
});

it('keeps its events out of every stream but its own', async () => {
  const lease = await held(instance(store, 'a').acquire());
  await lease.release();

  const all = await store.readAll(0, 100);
  expect(new Set(all.map((e) => e.streamId))).toEqual(new Set([SOLE_OWNER_STREAM]));
  expect(all.map((e) => e.type)).toEqual([SOLE_OWNER_EVENTS.claimed, SOLE_OWNER_EVENTS.released]);
});
