import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { SOLE_OWNER_EVENTS, SOLE_OWNER_STREAM } from '#event-envelope';
import { EventStore, ExpectedRevision, StoredEvent, WrongExpectedRevisionError } from '#event-store';
import { SoleOwnerEvents, SoleOwnerTakenError } from './sole-owner-lock';

export interface LeaseTimings {
  /** How long a successful claim or renewal lets its holder own everything, counted from when it was sent. */
  leaseMs: number;
  /** The pause between two renewals (and between two looks at another's claim). */
  renewEveryMs: number;
}

/** A 10 s lease renewed every 2 s: four renewals in a row may fail before the holder gives up (docs/instances.md). */
export const SOLE_OWNER_LEASE: LeaseTimings = { leaseMs: 10_000, renewEveryMs: 2_000 };

export interface StoreLeaseOptions {
  timings?: LeaseTimings;
  /** Monotonic milliseconds: the lease is never compared with another host's clock. */
  now?: () => number;
  /** Told when start-up finds another's claim and waits to see whether it is renewed. */
  observing?: (holder: string, upToMs: number) => void;
  /** The store's name in the refusal ("EventStoreDB"). */
  storeName?: string;
}

interface Claim {
  instanceId: string;
  claimId: string;
  host: string;
  pid: number;
  since: string;
}

/**
 * Without Kafka, one instance on a shared store without locks (EventStoreDB) owns every partition and refuses to
 * share (docs/instances.md). It keeps a lease in the stream `omnichannel-sole-owner` with optimistic concurrency:
 * the holder appends a renewal every `renewEveryMs` at the revision it last wrote, and owns everything until
 * `leaseMs` after it *sent* its last successful renewal (`valid`). Another instance that finds a claim watches it on
 * its own monotonic clock: a claim renewed meanwhile means a live holder (start-up refuses, naming it); one left
 * unchanged for a lease and a renewal interval from when it was first read has lapsed by its holder's own count
 * too, and is taken over with an append at that revision, which only one claimant, and never a late renewal, wins.
 * No clock of another host, nor the store's `recordedAt`, enters a decision. A holder that cannot renew in time gives
 * up every partition (`lost`), keeps serving, and owns them again with its next successful renewal if nobody took
 * over (`regained`), or once it has taken over itself a lease that lapsed or was released.
 */
export class StoreLease {
  private readonly timings: LeaseTimings;
  private readonly now: () => number;
  private readonly claim: Claim;
  private readonly stop = new AbortController();
  private holding = false;
  private lapsed = false;
  private revision: ExpectedRevision = 'no_stream';
  private deadline = 0;
  private lapseTimer?: NodeJS.Timeout;
  /** Another's claim as first read (standby): its revision and when, on this process's clock. */
  private seen?: { revision: number; at: number };
  private lastError?: unknown;
  private running?: Promise<void>;

  private constructor(
    private readonly store: EventStore,
    instanceId: string,
    private readonly events: SoleOwnerEvents,
    options: StoreLeaseOptions,
  ) {
    this.timings = options.timings ?? SOLE_OWNER_LEASE;
    this.now = options.now ?? (() => performance.now());
    this.claim = {
      instanceId,
      claimId: randomUUID(),
      host: hostname(),
      pid: process.pid,
      since: new Date().toISOString(),
    };
  }

  /** Holds the lease, or throws `SoleOwnerTakenError` naming the live holder; may wait a lease to find out. */
  static async acquire(
    store: EventStore,
    instanceId: string,
    events: SoleOwnerEvents,
    options: StoreLeaseOptions = {},
  ): Promise<StoreLease> {
    const lease = new StoreLease(store, instanceId, events, options);
    const patience = lease.timings.leaseMs + lease.timings.renewEveryMs;
    for (;;) {
      const last = await store.readLastEvent(SOLE_OWNER_STREAM);
      if (!last || last.type === SOLE_OWNER_EVENTS.released) {
        if (await lease.take(last?.revision ?? 'no_stream')) break;
        continue;
      }
      if (lease.seen && lease.seen.revision !== last.revision)
        throw new SoleOwnerTakenError(describe(last), options.storeName);
      if (!lease.seen) {
        lease.seen = { revision: last.revision, at: lease.now() };
        options.observing?.(describe(last), patience);
      } else if (lease.now() - lease.seen.at >= patience) {
        if (await lease.take(last.revision)) break;
        continue;
      }
      await delay(lease.timings.renewEveryMs);
    }
    lease.running = lease.run();
    return lease;
  }

  /** Whether this instance holds the lease now: false from the moment its last renewal is a lease old. */
  get valid(): boolean {
    return this.holding && this.now() < this.deadline;
  }

  /** Stops renewing; a holder writes `released` so that the next instance need not wait for the lease to lapse. */
  async release(): Promise<void> {
    this.stop.abort();
    clearTimeout(this.lapseTimer);
    await this.running;
    if (!this.holding) return;
    this.holding = false;
    await this.store
      .append([{ streamId: SOLE_OWNER_STREAM, expectedRevision: this.revision, events: [this.event('released')] }])
      .catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stop.signal.aborted) {
      const paused = await delay(this.timings.renewEveryMs, false, { signal: this.stop.signal, ref: false }).catch(
        () => true,
      );
      if (paused) return;
      if (this.holding) await this.renew();
      else await this.watch();
    }
  }

  private async renew(): Promise<void> {
    const sentAt = this.now();
    try {
      const { revisions } = await this.store.append([
        { streamId: SOLE_OWNER_STREAM, expectedRevision: this.revision, events: [this.event('renewed')] },
      ]);
      this.held(revisions[SOLE_OWNER_STREAM], sentAt);
    } catch (error) {
      this.lastError = error;
      if (error instanceof WrongExpectedRevisionError) await this.conflicted();
    }
  }

  /** A renewal found the stream moved: either its own earlier append whose answer was lost, or a takeover. */
  private async conflicted(): Promise<void> {
    const last = await this.store.readLastEvent(SOLE_OWNER_STREAM).catch(() => undefined);
    if (!last) return;
    if (last.data.claimId === this.claim.claimId && last.type !== SOLE_OWNER_EVENTS.released) {
      this.revision = last.revision;
      return;
    }
    this.holding = false;
    clearTimeout(this.lapseTimer);
    this.seen = { revision: last.revision, at: this.now() };
    this.lastError = new Error(`the lease was taken over by ${describe(last)}`);
    this.lapse();
  }

  /** Standby: takes a released lease at once, and another's once it has stood unrenewed for a lease and a pause. */
  private async watch(): Promise<void> {
    const last = await this.store.readLastEvent(SOLE_OWNER_STREAM).catch(() => null);
    if (last === null) return;
    if (!last || last.type === SOLE_OWNER_EVENTS.released) await this.take(last?.revision ?? 'no_stream');
    else if (this.seen?.revision !== last.revision) this.seen = { revision: last.revision, at: this.now() };
    else if (this.now() - this.seen.at >= this.timings.leaseMs + this.timings.renewEveryMs)
      await this.take(last.revision);
  }

  /** Claims the lease at `expected`: true when this append won (a concurrent claimant's made it fail). */
  private async take(expected: ExpectedRevision): Promise<boolean> {
    const sentAt = this.now();
    try {
      const { revisions } = await this.store.append([
        { streamId: SOLE_OWNER_STREAM, expectedRevision: expected, events: [this.event('claimed')] },
      ]);
      this.holding = true;
      this.seen = undefined;
      this.held(revisions[SOLE_OWNER_STREAM], sentAt);
      return true;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return false;
      throw error;
    }
  }

  private held(revision: number, sentAt: number): void {
    this.revision = revision;
    this.deadline = sentAt + this.timings.leaseMs;
    if (this.stop.signal.aborted) return;
    this.lapseAtDeadline();
    if (this.lapsed && this.running) {
      this.lapsed = false;
      this.lastError = undefined;
      this.events.regained();
    }
  }

  private lapseAtDeadline(): void {
    clearTimeout(this.lapseTimer);
    this.lapseTimer = setTimeout(() => this.lapse(), Math.max(0, this.deadline - this.now()) + 1).unref();
  }

  /** The lease ran out (or was taken over): everything given up, once, until held again. */
  private lapse(): void {
    if (this.lapsed || this.stop.signal.aborted) return;
    // A timer may fire a hair early by this clock: look again when the lease really ends.
    if (this.valid) return void this.lapseAtDeadline();
    this.lapsed = true;
    const cause = this.lastError instanceof Error ? this.lastError.message : 'no renewal succeeded in time';
    this.events.lost(new Error(`lease of ${this.timings.leaseMs} ms not renewed (${cause})`));
  }

  private event(kind: keyof typeof SOLE_OWNER_EVENTS) {
    const at = new Date().toISOString();
    return {
      eventId: randomUUID(),
      type: SOLE_OWNER_EVENTS[kind],
      data: { ...this.claim, leaseMs: this.timings.leaseMs },
      metadata: { actor: { kind: 'system' as const, id: this.claim.instanceId }, occurredAt: at, schemaVersion: 1 },
    };
  }
}

/** Names a claim's holder for the refusal: its instance, process and host, and its last renewal by the store's clock. */
const describe = (event: StoredEvent): string => {
  const claim = event.data as Partial<Claim>;
  return (
    `instance ${claim.instanceId ?? 'unnamed'} (pid ${claim.pid ?? '?'} on ${claim.host ?? '?'}, since ` +
    `${claim.since ?? '?'}; last renewed ${event.recordedAt})`
  );
};
