import { DomainEvent } from '#domain';
import { EventStore } from '#event-store';
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
}

const MAX_CACHED_STREAMS = 20_000;

/**
 * Folds streams into state, remembering the result so a later load reads only the events added since.
 * Correct with several writers too: the tail is always read from the store, only the prefix is cached.
 */
export class StreamCache {
  private readonly cache = new Map<string, LoadedStream<unknown>>();
  /** Shared by every command writer sharing this cache, i.e. by the process's whole command path. */
  readonly locks = new StreamLocks();

  constructor(private readonly store: EventStore) {}

  async load<S, E extends DomainEvent>(
    streamId: string,
    evolve: (state: S | undefined, event: E) => S,
  ): Promise<LoadedStream<S>> {
    const cached = (this.cache.get(streamId) as LoadedStream<S> | undefined) ?? emptyStream<S>();
    const tail = await this.store.readStream(streamId, cached.revision + 1);
    if (tail.length === 0) return cached;
    let state = cached.state;
    // Copied only when it grows: an agent's stream is long and its events rarely carry a cause.
    let causations = cached.causations;
    let grown: Set<string> | undefined;
    for (const stored of tail) {
      state = evolve(state, toDomainEvent(stored) as E);
      const { causationId } = stored.metadata;
      if (causationId && !causations.has(causationId)) causations = (grown ??= new Set(causations)).add(causationId);
    }
    const last = tail[tail.length - 1];
    const loaded: LoadedStream<S> = { state, revision: last.revision, lastPosition: last.position, causations };
    this.remember(streamId, loaded);
    return loaded;
  }

  /** The state as last loaded, without asking the store: a guess (another command may have appended since). */
  peek<S>(streamId: string): S | undefined {
    return this.cache.get(streamId)?.state as S | undefined;
  }

  private remember(streamId: string, loaded: LoadedStream<unknown>) {
    this.cache.delete(streamId);
    this.cache.set(streamId, loaded);
    if (this.cache.size > MAX_CACHED_STREAMS) this.cache.delete(this.cache.keys().next().value!);
  }
}

const emptyStream = <S>(): LoadedStream<S> => ({
  state: undefined,
  revision: -1,
  lastPosition: 0,
  causations: new Set(),
});
