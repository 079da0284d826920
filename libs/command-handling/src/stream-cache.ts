import { DomainEvent } from '#domain';
import { AppendRequest, AppendResult, EventStore, StoredEvent, WrongExpectedRevisionError } from '#event-store';
import { toDomainEvent } from '#event-envelope';
import { StreamLocks } from './stream-locks';

export interface LoadedStream<S> {
  state: S | undefined;
  /** -1 when the stream does not exist yet. */
  revision: number;
  /** Position of the stream's last event (0 when it has none). */
  lastPosition: number;
  /** The channel event ids that already caused events in this stream: idempotency. */
  causations: ReadonlySet<string>;
  /** Set (to the stream's id) when taken as never written without a read (`StreamCache.unread`). */
  unread?: string;
}

const MAX_CACHED_STREAMS = 20_000;

type Evolve = (state: unknown, event: DomainEvent) => unknown;

/** An append made through the cache and not known to have succeeded: the states foreseen from it rest on it. */
interface Foresight {
  readonly durable: Promise<boolean>;
  failed: boolean;
}

/** A cached stream remembers how it is folded, so an append can foresee its next state. */
interface Entry extends LoadedStream<unknown> {
  evolve: Evolve;
  /** Set when the state includes events of an append not known durable: it holds only if that append succeeds. */
  restsOn?: Foresight;
}

/** How far the cache may trust itself. */
export interface StreamCacheOptions {
  /**
   * Every write to a cached stream passes this cache (`append`) or is followed by `forget`, and no other process
   * writes (the embedded store): a cached stream is then the stream, and a load serves it without reading a tail.
   */
  soleWriter?: boolean;
}

/**
 * Folds streams into state, remembering the result so a later load reads only the events added since.
 * Correct with several writers too: the tail is always read from the store, only the prefix is cached — unless the
 * cache is the sole writer (`StreamCacheOptions`).
 */
export class StreamCache {
  private readonly cache = new Map<string, Entry>();
  /** Appends made through `append` and not yet settled: whether each succeeded. */
  private readonly pending = new Set<Promise<boolean>>();
  /** Shared by every command writer sharing this cache, i.e. by the process's whole command path. */
  readonly locks = new StreamLocks();

  private readonly soleWriter: boolean;

  constructor(
    private readonly store: EventStore,
    { soleWriter = false }: StreamCacheOptions = {},
  ) {
    this.soleWriter = soleWriter;
  }

  async load<S, E extends DomainEvent>(
    streamId: string,
    evolve: (state: S | undefined, event: E) => S,
  ): Promise<LoadedStream<S>> {
    const usable = this.usable(this.cache.get(streamId));
    // Each command reads its conversation, workstream and queue: two of those three reads are saved here.
    if (usable && this.soleWriter) return usable as LoadedStream<S>;
    const cached = usable ?? emptyStream(evolve as Evolve);
    const tail = await this.store.readStream(streamId, cached.revision + 1);
    if (tail.length === 0) {
      // As the sole writer, an empty stream stays empty until written through `append` (or `forget`): not read again.
      if (this.soleWriter && !usable) this.remember(streamId, cached);
      return cached as LoadedStream<S>;
    }
    const loaded = fold(cached, tail);
    this.remember(streamId, loaded);
    return loaded as LoadedStream<S>;
  }

  /**
   * Appends through `store` (the cache's own or one wrapping it), remembering each stream written as it will be once
   * the append is durable, then calls `handOver`: the commands waiting for these streams' locks may decide on that
   * state without waiting for the fsync. `decidedOn` are the streams as loaded for the decision. On a store that
   * commits appends in the order they were made, one decided on a foreseen state lands after the append it rests
   * on, and fails its revision check if that one failed. On any other store it first waits for that append, and
   * fails as a lost race if it failed: another writer may have filled the revision it left free, and the check
   * would pass on a state that never existed. When a stream's next state cannot be foreseen (not cached at the
   * expected revision), `handOver` is not called: the caller keeps its locks until the append is durable.
   * `unremembered` streams are written in the same append but neither cached nor foreseen (the channel-event
   * markers: written once, never read on the happy path).
   */
  async append(
    store: EventStore,
    requests: AppendRequest[],
    decidedOn: LoadedStream<unknown>[],
    handOver: () => void,
    unremembered: AppendRequest[] = [],
  ): Promise<AppendResult> {
    if (!store.appendsInOrder) await this.afterForesights(requests, decidedOn);
    // Unremembered first: the append's position stays that of the caller's own last event.
    const appending = store.append([...unremembered, ...requests]);
    const foresight: Foresight = {
      failed: false,
      durable: appending.then(
        () => true,
        () => {
          foresight.failed = true;
          return false;
        },
      ),
    };
    this.pending.add(foresight.durable);
    void foresight.durable.then(() => this.pending.delete(foresight.durable));
    const foreseen = requests.map((request) =>
      this.foresee(
        request,
        foresight,
        decidedOn.find(({ unread }) => unread === request.streamId) as Entry | undefined,
      ),
    );
    if (foreseen.every((entry) => entry !== undefined)) {
      requests.forEach(({ streamId }, n) => this.remember(streamId, foreseen[n]!));
      handOver();
    }
    try {
      const result = await appending;
      requests.forEach(({ streamId }, n) => {
        const entry = foreseen[n];
        if (entry && this.cache.get(streamId) === entry) entry.lastPosition = result.position;
      });
      return result;
    } catch (error) {
      for (const { streamId } of requests) this.cache.delete(streamId);
      throw error;
    }
  }

  private async afterForesights(requests: AppendRequest[], decidedOn: LoadedStream<unknown>[]): Promise<void> {
    for (const loaded of decidedOn) {
      const foresight = (loaded as Entry).restsOn;
      if (foresight && !(await foresight.durable)) {
        const { streamId, expectedRevision } = requests[0];
        throw new WrongExpectedRevisionError(streamId, expectedRevision, 'no_stream');
      }
    }
  }

  /**
   * `streamId` taken as never written, without reading it: for a command that creates its stream (a request), whose
   * append expects `no_stream` and so confirms it. Only as the sole writer, and only for a stream not held: a stream
   * the cache lost (evicted, or written before this process started) fails that check. Nothing is remembered until
   * the append is queued; a caller whose decision rests on the stream being empty in any other way (a refusal, nothing
   * to do) or whose append fails decides again after a real `load`. Undefined when the stream must be loaded.
   */
  unread<S, E extends DomainEvent>(
    streamId: string,
    evolve: (state: S | undefined, event: E) => S,
  ): LoadedStream<S> | undefined {
    if (!this.soleWriter || this.cache.has(streamId)) return undefined;
    return { ...emptyStream(evolve as Evolve), unread: streamId } as LoadedStream<S>;
  }

  /** Drops `streamId`, written past the cache (a configuration write): the next load reads it whole. */
  forget(streamId: string): void {
    this.cache.delete(streamId);
  }

  /** Resolves once every append made through `append` until now has settled: true when all of them succeeded. */
  async settled(): Promise<boolean> {
    return (await Promise.all(this.pending)).every(Boolean);
  }

  /** The state as last loaded, without asking the store: a guess (another command may have appended since). */
  peek<S>(streamId: string): S | undefined {
    return this.cache.get(streamId)?.state as S | undefined;
  }

  /** A cached state foreseen from an append that then failed never existed: it is read again from the store. */
  private usable(entry: Entry | undefined): Entry | undefined {
    return entry?.restsOn?.failed ? undefined : entry;
  }

  private remember(streamId: string, loaded: Entry) {
    if (loaded.restsOn?.failed) {
      this.cache.delete(streamId);
      return;
    }
    this.cache.delete(streamId);
    this.cache.set(streamId, loaded);
    if (this.cache.size > MAX_CACHED_STREAMS) this.cache.delete(this.cache.keys().next().value!);
  }

  private foresee(
    { streamId, expectedRevision, events }: AppendRequest,
    restsOn: Foresight,
    unread?: Entry,
  ): Entry | undefined {
    const entry = this.usable(this.cache.get(streamId)) ?? unread;
    if (!entry || (expectedRevision === 'no_stream' ? -1 : expectedRevision) !== entry.revision) return undefined;
    return {
      ...fold(
        entry,
        events.map((event, n) => ({
          ...event,
          streamId,
          revision: entry.revision + 1 + n,
          position: 0,
          recordedAt: '',
        })),
      ),
      restsOn,
    };
  }
}

/**
 * The entry after `tail`; `lastPosition` stays the entry's for events not stored yet (position 0). A tail read after
 * a foreseen state still rests on its foresight: were it to fail, that tail was written after another writer's events.
 */
const fold = (entry: Entry, tail: StoredEvent[]): Entry => {
  let state = entry.state;
  // Copied only when it grows: an agent's stream is long and its events rarely carry a cause.
  let causations = entry.causations;
  let grown: Set<string> | undefined;
  for (const stored of tail) {
    state = entry.evolve(state, toDomainEvent(stored));
    const { causationId } = stored.metadata;
    if (causationId && !causations.has(causationId)) causations = (grown ??= new Set(causations)).add(causationId);
  }
  const last = tail[tail.length - 1];
  return {
    state,
    revision: last.revision,
    lastPosition: last.position || entry.lastPosition,
    causations,
    evolve: entry.evolve,
    ...(entry.restsOn && { restsOn: entry.restsOn }),
  };
};

const emptyStream = (evolve: Evolve): Entry => ({
  state: undefined,
  revision: -1,
  lastPosition: 0,
  causations: new Set(),
  evolve,
});
