import { Message } from 'kafkajs';
import { EventStore, StoredEvent, Subscription } from '#event-store';
import { isChannelEventMarker, isSoleOwnerLeaseEvent } from '#event-envelope';
import { PARTITION_COUNT, partitionOf } from '#scheduling';
import { Backoff, describeError, sleep, withTimeout } from './backoff';
import { CheckpointStore, PartitionCheckpoints } from './checkpoint-store';
import { MessagingLogger } from './client';
import { keyOf, toConversationEventMessage } from './conversation-event-message';
import { RecordSender } from './serial-producer';
import { TOPICS } from './topics';

export interface ConversationEventPublisherOptions {
  store: EventStore;
  /** Alone on its store: the publisher owns every partition and keeps one checkpoint here, under `checkpointName`. */
  checkpoints?: CheckpointStore;
  /** Shared store: the publisher owns the partitions `assign` gives it, each resumed from its checkpoint here. */
  partitions?: PartitionCheckpoints;
  producer: RecordSender;
  logger: MessagingLogger;
  topic?: string;
  /** The checkpoint's name in `checkpoints` (one per topic the events go to). */
  checkpointName?: string;
  /** Upper bound of one produce request's payload (the broker refuses batches over message.max.bytes, 1 MiB). */
  maxRequestBytes?: number;
  maxRequestCount?: number;
  toMessage?: (event: StoredEvent) => Message;
  backoff?: Backoff;
}

class PublisherHalted extends Error {
  constructor() {
    super('the publisher is halting');
    this.name = 'PublisherHalted';
  }
}

const every = Array.from({ length: PARTITION_COUNT }, (_, p) => p);

/** The one checkpoint of a publisher that owns everything, seen as every partition's. */
const alone = (store: CheckpointStore, name: string): PartitionCheckpoints => ({
  load: async (partitions) => {
    const position = await store.load(name);
    return new Map(position === undefined ? [] : partitions.map((p) => [p, position]));
  },
  save: async (checkpoints) => store.save(name, Math.min(...checkpoints.values())),
  holds: () => true,
});

/** One following of the store: halted to take partitions on (from a lower checkpoint) or to stop. */
interface Run {
  subscription?: Subscription;
  halting: boolean;
  readonly abort: AbortController;
}

interface Request {
  messages: Message[];
  /** The work partition of each message. */
  partitions: number[];
  /** The store position this request takes every owned partition to once acknowledged. */
  last: number;
}

/**
 * The outbox: every stored event but the channel-event markers (bookkeeping of the store) to the conversation-events
 * topic, keyed by conversation (`keyOf`), in store order within each key. A key belongs to one of the 64 work
 * partitions (`partitionOf`); this publisher publishes the events of the partitions it owns: all of them when it is
 * alone on its store, its share of the partition group otherwise (docs/instances.md). It reads the store once for
 * all of them, from the lowest checkpoint among them, skipping per partition what is at or behind its checkpoint.
 *
 * A checkpoint (the position up to which the broker acknowledged a partition's events) moves only after an ack, one
 * produce request at a time, and the next request waits until it is saved: a restart or a new owner resumes where it
 * stopped, nothing is skipped or reordered, and what was sent but not checkpointed is sent again (same eventId) — at
 * most one request. A failed send is retried with back-off until it succeeds: an outage delays, it never drops.
 */
export class ConversationEventPublisher {
  private readonly topic: string;
  private readonly maxRequestBytes: number;
  private readonly maxRequestCount: number;
  private readonly toMessage: (event: StoredEvent) => Message;
  private readonly backoff: Backoff;
  private readonly checkpoints: PartitionCheckpoints;
  /** The partitions assigned now. */
  private wanted: ReadonlySet<number>;
  /** The partitions being published, each with its checkpoint. */
  private readonly owned = new Map<number, number>();
  private run?: Run;
  private reconciling?: Promise<void>;
  /** An assignment came since the reconciling loop last looked. */
  private dirty = false;
  private readonly stopped = new AbortController();
  private resubscribe?: NodeJS.Timeout;
  private started = false;
  private stopping = false;
  private published = 0;
  /** The store position the current run has handled up to. */
  private read = 0;
  private failure?: string;
  private failingSince?: number;

  constructor(private readonly options: ConversationEventPublisherOptions) {
    this.topic = options.topic ?? TOPICS.conversationEvents;
    this.maxRequestBytes = options.maxRequestBytes ?? 512 * 1024;
    this.maxRequestCount = options.maxRequestCount ?? 500;
    this.toMessage = options.toMessage ?? toConversationEventMessage;
    this.backoff = options.backoff ?? new Backoff(200, 5_000);
    if (options.partitions) {
      this.checkpoints = options.partitions;
      this.wanted = new Set();
    } else if (options.checkpoints) {
      this.checkpoints = alone(options.checkpoints, options.checkpointName ?? this.topic);
      this.wanted = new Set(every);
    } else throw new Error('a publisher needs checkpoints (alone) or partition checkpoints (shared)');
  }

  /** Every owned partition's events are acknowledged up to here (where reading stopped, if it owns none). */
  get position(): number {
    return this.owned.size > 0 ? Math.min(...this.owned.values()) : this.read;
  }

  /** The partitions it publishes now. */
  get partitions(): number[] {
    return [...this.owned.keys()].sort((a, b) => a - b);
  }

  /** Events published since start. */
  get count(): number {
    return this.published;
  }

  /** Healthy while following the store and sends succeed (owning nothing, there is nothing to fail). */
  get healthy(): boolean {
    return this.started && !this.stopping && (this.failure === undefined || this.wanted.size === 0);
  }

  get error(): string | undefined {
    return this.failure;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.reconcile();
  }

  /**
   * The partitions it owns from now on. A lost one is no longer sent from the next request on; a gained one is
   * published from its checkpoint, after the request in flight, reading the store again from there if need be.
   */
  assign(partitions: Iterable<number>): void {
    this.wanted = new Set(partitions);
    for (const p of [...this.owned.keys()]) if (!this.wanted.has(p)) this.owned.delete(p);
    // A new assignment is a new generation: a failure of the last one (a stale member's refused commit after a
    // pause, say) says nothing of this one, and one that persists is met again at the next send or save.
    this.failure = undefined;
    this.failingSince = undefined;
    if (this.started) this.reconcile();
  }

  /** Stops publishing after the request in flight is acknowledged and checkpointed (a hand-over on leaving). */
  async release(): Promise<void> {
    this.wanted = new Set();
    await this.halt();
    this.owned.clear();
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stopped.abort();
    clearTimeout(this.resubscribe);
    // A send in flight during an outage may hang on kafkajs' own retries; do not wait forever.
    await withTimeout(this.halt(), 10_000, 'publisher did not stop in time').catch((error) =>
      this.options.logger.warn(describeError(error)),
    );
  }

  /** Brings what is published in line with what is assigned, one change at a time. */
  private reconcile(): void {
    this.dirty = true;
    this.reconciling ??= (async () => {
      while (this.dirty) {
        this.dirty = false;
        await this.takeOn();
      }
    })().finally(() => {
      this.reconciling = undefined;
      if (this.dirty) this.reconcile();
    });
  }

  private async takeOn(): Promise<void> {
    while (!this.stopping) {
      const gained = [...this.wanted].filter((p) => !this.owned.has(p)).sort((a, b) => a - b);
      if (gained.length === 0) {
        // Owning nothing, it stops reading the store; owning something, it reads it (once, for all of them).
        if (this.owned.size === 0) await this.halt();
        else this.follow();
        return;
      }
      let loaded: ReadonlyMap<number, number>;
      try {
        loaded = await this.checkpoints.load(gained);
        this.succeeded();
      } catch (error) {
        this.fail(error, `loading the checkpoints of ${gained.length} partition(s)`);
        await sleep(this.backoff.next(), this.stopped.signal);
        continue;
      }
      // The run in flight finishes its request first: partitions join a run only at its start.
      await this.halt();
      if (this.stopping) return;
      const taken = gained.filter((p) => this.wanted.has(p));
      for (const p of taken) this.owned.set(p, loaded.get(p) ?? 0);
      if (taken.length > 0)
        this.options.logger.log(
          `publishing the stored events of ${taken.length} partition(s) to ${this.topic} after position ${Math.min(...taken.map((p) => this.owned.get(p) ?? 0))}`,
        );
    }
  }

  /** Ends the current run: the request in flight is acknowledged and checkpointed (or abandoned if failing). */
  private async halt(): Promise<void> {
    clearTimeout(this.resubscribe);
    const run = this.run;
    if (!run) return;
    run.halting = true;
    run.abort.abort();
    await run.subscription?.stop();
    if (this.run === run) this.run = undefined;
  }

  private follow(): void {
    if (this.stopping || this.run || this.owned.size === 0) return;
    const run: Run = { halting: false, abort: new AbortController() };
    this.run = run;
    this.read = this.position;
    run.subscription = this.options.store.subscribeToAll(
      this.read,
      (events) => this.publish(events, run),
      (error) => this.onSubscriptionError(error, run),
    );
  }

  /** The store subscription stopped on an error (e.g. the store is unavailable): follow again from the checkpoints. */
  private onSubscriptionError(error: unknown, run: Run): void {
    if (this.stopping || run.halting || error instanceof PublisherHalted) return;
    this.fail(error, 'reading the event store');
    this.run = undefined;
    this.resubscribe = setTimeout(() => this.follow(), this.backoff.next());
  }

  private async publish(events: StoredEvent[], run: Run): Promise<void> {
    if (events.length === 0) return;
    for (const request of this.requests(events)) {
      if (run.halting) throw new PublisherHalted();
      if (request.messages.length > 0) await this.sendUntilAcknowledged(request, run);
      const moved = this.advance(request.last);
      if (moved) await this.saveUntilAccepted(run);
    }
    this.read = events[events.length - 1].position;
  }

  /** Every owned partition is published up to `last` (none moves back: a gained one may be ahead). */
  private advance(last: number): boolean {
    let moved = false;
    for (const [p, checkpoint] of this.owned)
      if (last > checkpoint) {
        this.owned.set(p, last);
        moved = true;
      }
    return moved;
  }

  private *requests(events: StoredEvent[]): Generator<Request> {
    let request: Request = { messages: [], partitions: [], last: 0 };
    let bytes = 0;
    for (const event of events) {
      if (isChannelEventMarker(event) || isSoleOwnerLeaseEvent(event)) continue;
      const partition = partitionOf(keyOf(event));
      const checkpoint = this.owned.get(partition);
      if (checkpoint === undefined || event.position <= checkpoint) continue;
      const message = this.toMessage(event);
      const size = sizeOf(message);
      if (
        request.messages.length > 0 &&
        (bytes + size > this.maxRequestBytes || request.messages.length >= this.maxRequestCount)
      ) {
        yield request;
        request = { messages: [], partitions: [], last: 0 };
        bytes = 0;
      }
      request.messages.push(message);
      request.partitions.push(partition);
      request.last = event.position;
      bytes += size;
    }
    // Whatever ends the batch (markers, other partitions' events) is passed too: the checkpoints reach its end.
    request.last = events[events.length - 1].position;
    yield request;
  }

  private async sendUntilAcknowledged(request: Request, run: Run): Promise<void> {
    for (;;) {
      if (run.halting) throw new PublisherHalted();
      // A partition lost since the request was read is not sent; a share that may have moved sends nothing.
      const messages = request.messages.filter((_, i) => this.owned.has(request.partitions[i]));
      if (messages.length === 0) return;
      if (!this.checkpoints.holds()) {
        await sleep(100, run.abort.signal);
        continue;
      }
      try {
        await this.options.producer.send(this.topic, messages);
        this.succeeded();
        this.published += messages.length;
        return;
      } catch (error) {
        this.fail(error, `publishing ${messages.length} event(s) to ${this.topic}`);
        await sleep(this.backoff.next(), run.abort.signal);
      }
    }
  }

  /** What was acknowledged stays acknowledged: a refused save is retried, never the send (no duplicates of ours). */
  private async saveUntilAccepted(run: Run): Promise<void> {
    for (;;) {
      if (this.owned.size === 0) return;
      try {
        await this.checkpoints.save(new Map(this.owned));
        this.succeeded();
        return;
      } catch (error) {
        if (run.halting) throw new PublisherHalted();
        this.fail(error, 'saving the checkpoints');
        await sleep(this.backoff.next(), run.abort.signal);
      }
    }
  }

  private succeeded(): void {
    if (this.failure !== undefined)
      this.options.logger.log(
        `publishing to ${this.topic} again after ${Date.now() - (this.failingSince ?? Date.now())} ms`,
      );
    this.failure = undefined;
    this.failingSince = undefined;
    this.backoff.reset();
  }

  private fail(error: unknown, doing: string): void {
    const described = describeError(error);
    if (this.failure === undefined) {
      this.failingSince = Date.now();
      this.options.logger.warn(`${doing} failed, retrying from position ${this.position}: ${described}`);
    }
    this.failure = described;
  }
}

const sizeOf = (message: Message): number => {
  const length = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : Buffer.isBuffer(v) ? v.length : 0);
  const headers = Object.entries(message.headers ?? {}).reduce((sum, [k, v]) => sum + k.length + length(v), 0);
  return length(message.key) + length(message.value) + headers + 64;
};
