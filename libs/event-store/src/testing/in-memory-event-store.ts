import {
  AppendRequest,
  AppendResult,
  BatchHandler,
  EventStore,
  StoredEvent,
  Subscription,
  WrongExpectedRevisionError,
} from '../port';

export interface InMemoryEventStoreOptions {
  /** When the store records an event (a simulation passes its virtual clock: no wall time in a run). */
  now?: () => string;
  /**
   * Awaited before each operation takes effect (an append, a read, a batch delivered): a simulation's
   * scheduler decides in which order concurrent operations happen. Without one, each waits one microtask.
   */
  gate?: (operation: 'append' | 'read' | 'deliver') => Promise<void>;
  /** Events per delivered batch. */
  batchSize?: number;
}

/**
 * The event store port in memory, for tests and the deterministic simulation: same contract as the durable
 * stores (the contract suite runs on it), no I/O, no timers; delivery to subscribers goes through `gate` too.
 * An append's events are copied in, so a caller mutating what it passed changes nothing stored.
 */
export class InMemoryEventStore implements EventStore {
  private readonly events: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly wakers = new Set<() => void>();
  private readonly now: () => string;
  private readonly gate: (operation: 'append' | 'read' | 'deliver') => Promise<void>;
  private readonly batchSize: number;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.now = options.now ?? (() => new Date().toISOString());
    this.gate = options.gate ?? (() => Promise.resolve());
    this.batchSize = options.batchSize ?? 500;
  }

  /** The newest position, read without waiting on the gate (for a scheduler deciding whether all is at rest). */
  get head(): number {
    return this.events.length;
  }

  async append(requests: AppendRequest[]): Promise<AppendResult> {
    const copied = structuredClone(requests);
    await this.gate('append');
    for (const { streamId, expectedRevision } of copied) {
      const actual = this.revisionOf(streamId);
      const holds =
        expectedRevision === 'any' ||
        (expectedRevision === 'no_stream' ? actual === 'no_stream' : actual === expectedRevision);
      if (!holds) throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
    }
    const recordedAt = this.now();
    const revisions: Record<string, number> = {};
    for (const { streamId, events } of copied) {
      const stream = this.streams.get(streamId) ?? [];
      this.streams.set(streamId, stream);
      for (const event of events) {
        const stored: StoredEvent = {
          ...event,
          streamId,
          revision: stream.length,
          position: this.events.length + 1,
          recordedAt,
        };
        stream.push(stored);
        this.events.push(stored);
      }
      revisions[streamId] = stream.length - 1;
    }
    for (const wake of [...this.wakers]) wake();
    return { position: this.events.length, revisions };
  }

  async readStream(streamId: string, fromRevision = 0, maxCount?: number): Promise<StoredEvent[]> {
    await this.gate('read');
    const end = maxCount === undefined ? undefined : fromRevision + maxCount;
    return structuredClone((this.streams.get(streamId) ?? []).slice(fromRevision, end));
  }

  async readLastEvent(streamId: string): Promise<StoredEvent | undefined> {
    await this.gate('read');
    const last = this.streams.get(streamId)?.at(-1);
    return last && structuredClone(last);
  }

  async readAll(afterPosition: number, maxCount: number): Promise<StoredEvent[]> {
    await this.gate('read');
    return structuredClone(this.events.slice(afterPosition, afterPosition + maxCount));
  }

  async headPosition(): Promise<number> {
    await this.gate('read');
    return this.events.length;
  }

  subscribeToAll(afterPosition: number, handler: BatchHandler, onError?: (error: unknown) => void): Subscription {
    let stopped = false;
    let wake: (() => void) | undefined;
    const stopWaiting = () => wake?.();
    const loop = async () => {
      let position = afterPosition;
      while (!stopped) {
        if (position >= this.events.length) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            this.wakers.add(resolve);
          });
          this.wakers.delete(wake!);
          continue;
        }
        await this.gate('deliver');
        if (stopped) return;
        const batch = structuredClone(this.events.slice(position, position + this.batchSize));
        try {
          await handler(batch);
        } catch (error) {
          stopped = true;
          onError?.(error);
          return;
        }
        position = batch[batch.length - 1].position;
      }
    };
    const running = loop();
    return {
      stop: async () => {
        stopped = true;
        stopWaiting();
        await running;
      },
    };
  }

  async close(): Promise<void> {
    for (const wake of [...this.wakers]) wake();
  }

  private revisionOf(streamId: string): number | 'no_stream' {
    const stream = this.streams.get(streamId);
    return stream ? stream.length - 1 : 'no_stream';
  }
}
