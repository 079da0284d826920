import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  START,
  excludeSystemEvents,
} from '@kurrent/kurrentdb-client';
import type {
  AllStreamResolvedEvent,
  AppendStreamRequest,
  AppendStreamState,
  Filter,
  ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import {
  AppendRequest,
  AppendResult,
  BatchHandler,
  EventStore,
  EventStoreUnavailableError,
  ExpectedRevision,
  StoredEvent,
  Subscription,
  WrongExpectedRevisionError,
} from '#event-store';
import { AllSubscription } from './all-subscription';
import { isStreamNotFound, isUnavailable, isUnsupported, normalize, toWrongExpectedRevision } from './errors';
import { fromPortPosition, toEventData, toSafeNumber, toStoredEvent } from './event-mapping';
import { DEFAULT_READ_RETRY, DEFAULT_SUBSCRIPTION_RETRY, RetryPolicy, backoffDelay, sleep } from './retry';

/** The part of `KurrentDBClient` this adapter uses (a seam for unit tests). */
export type KurrentClient = Pick<
  KurrentDBClient,
  'appendToStream' | 'multiStreamAppend' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'
>;

export interface EventStoreDbOptions {
  /** Retries of reads (readStream, readAll, headPosition) while the server is unavailable. */
  readRetry?: RetryPolicy;
  /** Back-off between re-subscriptions of subscribeToAll after the server was lost. */
  subscriptionRetry?: RetryPolicy;
  /** Most events per subscription batch. */
  subscriptionBatchSize?: number;
  /** Told about every unavailable-server error, including the ones that are retried. */
  onUnavailable?: (error: unknown) => void;
}

/** Same shape as the app's `ComponentHealth`, so `readiness.register('eventStore', () => store.health())` fits. */
export interface EventStoreHealth {
  healthy: boolean;
  detail?: string;
}

/** The server-side `$all` filter: event types starting with `$` are system events (and link events, `$>`). */
const SYSTEM_EVENTS_FILTER: Filter = excludeSystemEvents();
const DEFAULT_SUBSCRIPTION_BATCH_SIZE = 500;

/**
 * The event store on KurrentDB (EventStoreDB's successor) through `@kurrent/kurrentdb-client`.
 * One KurrentDB stream per port stream. Multi-stream appends are atomic through the client's
 * `multiStreamAppend`, which needs KurrentDB 25.1 or later (see docs/eventstoredb.md).
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: KurrentClient;
  private readonly readRetry: RetryPolicy;
  private readonly subscriptionRetry: RetryPolicy;
  private readonly batchSize: number;
  private readonly onUnavailable?: (error: unknown) => void;
  private readonly subscriptions = new Set<AllSubscription>();
  private closing: Promise<void> | undefined;
  private failure: { error: unknown; since: Date } | undefined;

  /** `connectionString`: e.g. `kurrentdb://localhost:2113?tls=false` (`esdb://` is accepted too). */
  constructor(connectionString: string, options?: EventStoreDbOptions);
  /** Over an existing client (tests); the store disposes it on close(). */
  constructor(client: KurrentClient, options?: EventStoreDbOptions);
  constructor(connection: string | KurrentClient, options: EventStoreDbOptions = {}) {
    this.client =
      typeof connection === 'string' ? KurrentDBClient.connectionString(modernScheme(connection)) : connection;
    this.readRetry = options.readRetry ?? DEFAULT_READ_RETRY;
    this.subscriptionRetry = options.subscriptionRetry ?? DEFAULT_SUBSCRIPTION_RETRY;
    this.batchSize = options.subscriptionBatchSize ?? DEFAULT_SUBSCRIPTION_BATCH_SIZE;
    this.onUnavailable = options.onUnavailable;
  }

  // ---- health ------------------------------------------------------------------------------

  /**
   * False from the moment a call found the server unavailable (any failed read attempt, an
   * append, a lost subscription) until a later call succeeds or a subscription is confirmed
   * again. Passive: it reflects the traffic the store carries; a running subscription, which
   * keeps re-subscribing while the server is away, keeps it current.
   */
  isHealthy(): boolean {
    return this.failure === undefined && !this.closing;
  }

  /** The latest unavailable-server error, while the store is unhealthy. */
  get lastError(): unknown {
    return this.failure?.error;
  }

  health(): EventStoreHealth {
    if (this.closing) return { healthy: false, detail: 'closed' };
    if (!this.failure) return { healthy: true };
    const { error, since } = this.failure;
    return { healthy: false, detail: `KurrentDB unavailable since ${since.toISOString()}: ${messageOf(error)}` };
  }

  // ---- writes ------------------------------------------------------------------------------

  async append(requests: AppendRequest[]): Promise<AppendResult> {
    this.assertOpen();
    assertDistinctStreams(requests);
    const writes = requests.filter((request) => request.events.length > 0);
    const checks = requests.filter((request) => request.events.length === 0);
    if (writes.length > 0 && checks.length > 0) {
      // multiStreamAppend's AppendSession rejects a stream without records, so a revision check
      // alone cannot join the transaction (KurrentDB 26.1's appendRecords could).
      throw new Error(
        `append: requests without events (${checks.map((r) => r.streamId).join(', ')}) cannot be checked atomically ` +
          'together with writes on KurrentDB; send them as a separate append',
      );
    }
    const expectedFor = expectedRevisionLookup(requests);
    try {
      const result =
        writes.length === 0
          ? await this.check(checks)
          : writes.length === 1
            ? await this.appendOne(writes[0])
            : await this.appendMany(writes);
      this.markAvailable();
      return result;
    } catch (error) {
      const wrong = error instanceof WrongExpectedRevisionError ? error : toWrongExpectedRevision(error, expectedFor);
      if (wrong) {
        this.markAvailable();
        throw wrong;
      }
      if (isUnsupported(error)) {
        throw new Error(
          'this KurrentDB server does not support atomic multi-stream appends (multiStreamAppend needs KurrentDB 25.1 or later)',
          { cause: error },
        );
      }
      // Not retried: a timed-out append may have been written, and only the caller can decide.
      throw this.unavailableOr(
        error,
        'append failed because KurrentDB is unavailable; it may or may not have been written',
      );
    }
  }

  private async appendOne({ streamId, expectedRevision, events }: AppendRequest): Promise<AppendResult> {
    const result = await this.client.appendToStream(streamId, events.map(toEventData), {
      streamState: toStreamState(expectedRevision),
    });
    const revision = toSafeNumber(result.nextExpectedRevision, 'stream revision');
    // The write's commit position: the log position of its last event (the TransactionEnd
    // prepare); servers report it as both halves, older ones only as `commit`.
    const position = result.position
      ? toSafeNumber(result.position.commit, 'log position')
      : await this.lastPosition(streamId);
    return { position, revisions: { [streamId]: revision } };
  }

  /** All or nothing: one AppendSession transaction on the server (KurrentDB 25.1+). */
  private async appendMany(requests: AppendRequest[]): Promise<AppendResult> {
    const sessions: AppendStreamRequest[] = requests.map(({ streamId, expectedRevision, events }) => ({
      streamName: streamId,
      expectedState: toStreamState(expectedRevision),
      events: events.map(toEventData),
    }));
    const result = await this.client.multiStreamAppend(sessions);
    const revisions: Record<string, number> = {};
    for (const { streamName, revision } of result.responses)
      revisions[streamName] = toSafeNumber(revision, 'stream revision');
    // The session's commit position: the log position of its last event.
    return { position: toSafeNumber(result.position, 'log position'), revisions };
  }

  /** Requests without events only check revisions: a point-in-time read, nothing to write. */
  private async check(requests: AppendRequest[]): Promise<AppendResult> {
    for (const { streamId, expectedRevision } of requests) {
      if (expectedRevision === 'any') continue;
      const last = await this.lastEvent(streamId);
      const actual = last ? last.revision : 'no_stream';
      if (actual !== expectedRevision) throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
    }
    return { position: await this.headPosition(), revisions: {} };
  }

  // ---- reads -------------------------------------------------------------------------------

  readStream(streamId: string, fromRevision = 0): Promise<StoredEvent[]> {
    return this.read(`readStream(${streamId})`, async () => {
      const events: StoredEvent[] = [];
      try {
        for await (const resolved of this.client.readStream(streamId, {
          fromRevision: BigInt(fromRevision),
          direction: FORWARDS,
        })) {
          if (resolved.event) events.push(toStoredEvent(resolved.event, false));
        }
      } catch (error) {
        if (isStreamNotFound(error)) return [];
        throw error;
      }
      return events;
    });
  }

  readAll(afterPosition: number, maxCount: number): Promise<StoredEvent[]> {
    if (maxCount <= 0) return Promise.resolve([]);
    return this.read('readAll', async () => {
      // `$all` reads include the event at fromPosition: read one more and drop what is not after.
      const events = await collectAll(
        this.client.readAll({
          fromPosition: afterPosition > 0 ? fromPortPosition(afterPosition) : START,
          direction: FORWARDS,
          maxCount: maxCount + 1,
          filter: SYSTEM_EVENTS_FILTER,
        }),
      );
      return events.filter((event) => event.position > afterPosition).slice(0, maxCount);
    });
  }

  /**
   * The newest event a subscription would deliver, hence read with the same system-event filter:
   * a head at a system event's position would never be "reached" by a subscriber.
   */
  headPosition(): Promise<number> {
    return this.read('headPosition', async () => {
      const [newest] = await collectAll(
        this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1, filter: SYSTEM_EVENTS_FILTER }),
      );
      return newest ? newest.position : 0;
    });
  }

  subscribeToAll(afterPosition: number, handler: BatchHandler, onError?: (error: unknown) => void): Subscription {
    this.assertOpen();
    const subscription = new AllSubscription(
      afterPosition,
      {
        open: (position) =>
          this.client.subscribeToAll(
            { fromPosition: position > 0 ? fromPortPosition(position) : START, filter: SYSTEM_EVENTS_FILTER },
            { highWaterMark: this.batchSize },
          ),
        batchSize: this.batchSize,
        retry: this.subscriptionRetry,
        onUnavailable: (error) => this.markUnavailable(error),
        onReachable: () => this.markAvailable(),
        onStopped: (stopped) => this.subscriptions.delete(stopped),
      },
      handler,
      onError,
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
      await this.client.dispose();
    })();
    return this.closing;
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** Runs a read, retrying with back-off while the server is unavailable. */
  private async read<T>(what: string, operation: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      this.assertOpen();
      try {
        const result = await operation();
        this.markAvailable();
        return result;
      } catch (error) {
        if (!isUnavailable(error)) throw normalize(error);
        this.markUnavailable(error);
        if (attempt >= this.readRetry.attempts || this.closing) {
          throw new EventStoreUnavailableError(
            `${what} failed: KurrentDB unavailable after ${attempt} attempt(s)`,
            error,
          );
        }
        await sleep(backoffDelay(this.readRetry, attempt - 1));
      }
    }
  }

  private async lastEvent(streamId: string): Promise<StoredEvent | undefined> {
    try {
      for await (const resolved of this.client.readStream(streamId, {
        fromRevision: END,
        direction: BACKWARDS,
        maxCount: 1,
      })) {
        if (resolved.event) return toStoredEvent(resolved.event, false);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return undefined;
      throw error;
    }
    return undefined;
  }

  /** Only when an append result came without a position (servers before 22.6 could). */
  private async lastPosition(streamId: string): Promise<number> {
    const last = await this.lastEvent(streamId);
    if (!last) throw new Error(`stream ${streamId} is empty right after an append`);
    return last.position;
  }

  private unavailableOr(error: unknown, message: string): unknown {
    if (!isUnavailable(error)) return normalize(error);
    this.markUnavailable(error);
    return new EventStoreUnavailableError(message, error);
  }

  private markUnavailable(error: unknown): void {
    this.failure = { error, since: this.failure?.since ?? new Date() };
    this.onUnavailable?.(error);
  }

  private markAvailable(): void {
    this.failure = undefined;
  }

  private assertOpen(): void {
    if (this.closing) throw new EventStoreUnavailableError('the event store is closed');
  }
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}

/** `esdb://` and `esdb+discover://` still work but make the client print a deprecation warning. */
function modernScheme(connectionString: string): string {
  return connectionString.replace(
    /^esdb(\+discover)?:\/\//i,
    (_, discover: string | undefined) => `kurrentdb${discover ?? ''}://`,
  );
}

function toStreamState(expected: ExpectedRevision): AppendStreamState {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  return BigInt(expected);
}

/** The server refuses a stream twice in one session, comparing names case-insensitively. */
function assertDistinctStreams(requests: AppendRequest[]): void {
  const seen = new Set<string>();
  for (const { streamId } of requests) {
    const key = streamId.toLowerCase();
    if (seen.has(key))
      throw new Error(`append: stream ${streamId} appears more than once; merge its requests into one`);
    seen.add(key);
  }
}

function expectedRevisionLookup(requests: AppendRequest[]): (streamId: string) => ExpectedRevision | undefined {
  const byStream = new Map(requests.map((request) => [request.streamId.toLowerCase(), request.expectedRevision]));
  return (streamId) => byStream.get(streamId.toLowerCase());
}

async function collectAll(events: AsyncIterable<AllStreamResolvedEvent | ResolvedEvent>): Promise<StoredEvent[]> {
  const stored: StoredEvent[] = [];
  for await (const resolved of events) {
    if (resolved.event && !resolved.event.type.startsWith('$')) stored.push(toStoredEvent(resolved.event, true));
  }
  return stored;
}
