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
  Position,
  RecordedEvent,
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
  RetryPolicy,
  backoffDelay,
  sleep,
} from '#event-store';
import { AllSubscription } from './all-subscription';
import { isStreamNotFound, isUnavailable, isUnsupported, normalize, toWrongExpectedRevision } from './errors';
import { SkippedEvent, fromPortPosition, readFromAll, toEventData, toSafeNumber, toStoredEvent } from './event-mapping';
import { Endpoint, atEndpoint, notLeaderOf } from './not-leader';
import { ServerCapabilities, UnsupportedServerError, assertSupportedServer } from './server-check';
import { DEFAULT_READ_RETRY, DEFAULT_SUBSCRIPTION_RETRY } from './retry';

/**
 * The part of `KurrentDBClient` this adapter uses (a seam for unit tests). `capabilities` is the
 * client's cached `ServerFeatures` answer, declared `protected` in 1.3.1's
 * `dist/Client/index.d.ts` (the client is pinned exactly, see docs/eventstoredb.md); the adapter
 * reads it at start to refuse a server without multi-stream appends.
 */
export type KurrentClient = Pick<
  KurrentDBClient,
  'appendToStream' | 'multiStreamAppend' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'
> & { readonly capabilities: Promise<ServerCapabilities> };

/** Opens a client: to the configured server, or, after a follower named it, to the leader. */
export type KurrentConnector = (leader?: Endpoint) => KurrentClient;

export interface EventStoreDbOptions {
  /** Retries of reads (readStream, readAll, headPosition) while the server is unavailable. */
  readRetry?: RetryPolicy;
  /** Back-off between re-subscriptions of subscribeToAll after the server was lost. */
  subscriptionRetry?: RetryPolicy;
  /** Most events per subscription batch. */
  subscriptionBatchSize?: number;
  /** Told about every unavailable-server error, including the ones that are retried. */
  onUnavailable?: (error: unknown) => void;
  /** Where events of ours that cannot be read are reported; `console` by default. */
  logger?: { warn(message: string): void };
}

/** Same shape as the app's `ComponentHealth`, so `readiness.register('eventStore', () => store.health())` fits. */
export interface EventStoreHealth {
  healthy: boolean;
  detail?: string;
}

/** The server-side `$all` filter: event types starting with `$` are system events (and link events, `$>`). */
const SYSTEM_EVENTS_FILTER: Filter = excludeSystemEvents();
const DEFAULT_SUBSCRIPTION_BATCH_SIZE = 500;
/** Followers naming a leader that is not (yet) one, in a row, before an append gives up as unavailable. */
const MAX_LEADER_REDIRECTS = 3;
/** Events read backwards per page while looking for the head. */
const HEAD_PAGE = 20;

/**
 * The event store on KurrentDB (EventStoreDB's successor) through `@kurrent/kurrentdb-client`.
 * One KurrentDB stream per port stream. Multi-stream appends are atomic through the client's
 * `multiStreamAppend`, which needs KurrentDB 25.1 or later (see docs/eventstoredb.md).
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly connect: KurrentConnector;
  private readonly client: KurrentClient;
  /** Where multi-stream appends go after a follower named the leader; the main client until then. */
  private writer: { endpoint: string; client: KurrentClient } | undefined;
  private readonly readRetry: RetryPolicy;
  private readonly subscriptionRetry: RetryPolicy;
  private readonly batchSize: number;
  private readonly onUnavailable?: (error: unknown) => void;
  private readonly logger: { warn(message: string): void };
  private readonly subscriptions = new Set<AllSubscription>();
  private closing: Promise<void> | undefined;
  private failure: { error: unknown; since: Date } | undefined;
  private serverCheck: Promise<void> | undefined;
  private unsupported: UnsupportedServerError | undefined;
  /** Events `$all` readers and subscriptions left out, by kind (see `readFromAll`). */
  readonly skippedEvents = { foreign: 0, unreadable: 0 };

  /** `connectionString`: e.g. `kurrentdb://localhost:2113?tls=false` (`esdb://` is accepted too). */
  constructor(connectionString: string, options?: EventStoreDbOptions);
  /** Over an existing client (tests); the store disposes it on close(). */
  constructor(client: KurrentClient, options?: EventStoreDbOptions);
  /** Over a connector (tests of leader changes); the store disposes what it opened on close(). */
  constructor(connect: KurrentConnector, options?: EventStoreDbOptions);
  constructor(connection: string | KurrentClient | KurrentConnector, options: EventStoreDbOptions = {}) {
    if (typeof connection === 'string') {
      const connectionString = modernScheme(connection);
      this.connect = (leader) =>
        KurrentDBClient.connectionString(
          leader ? atEndpoint(connectionString, leader) : connectionString,
        ) as unknown as KurrentClient;
    } else if (typeof connection === 'function') {
      this.connect = connection;
    } else {
      this.connect = () => connection;
    }
    this.client = this.connect();
    this.readRetry = options.readRetry ?? DEFAULT_READ_RETRY;
    this.subscriptionRetry = options.subscriptionRetry ?? DEFAULT_SUBSCRIPTION_RETRY;
    this.batchSize = options.subscriptionBatchSize ?? DEFAULT_SUBSCRIPTION_BATCH_SIZE;
    this.onUnavailable = options.onUnavailable;
    this.logger = options.logger ?? console;
  }

  /**
   * Resolves once the server is known to offer what the adapter needs (KurrentDB 25.1+), and
   * rejects with `UnsupportedServerError` naming the minimum version otherwise. Every call awaits
   * it first, so an old server is refused on the first call of any kind, not on the first
   * multi-stream command; start-up may await it to fail at once. Only that verdict is remembered:
   * after any other failure (an unreachable server) the next call asks again.
   */
  verifyServer(): Promise<void> {
    this.serverCheck ??= assertSupportedServer(this.client.capabilities).catch((error: unknown) => {
      if (error instanceof UnsupportedServerError) this.unsupported = error;
      else this.serverCheck = undefined;
      throw error;
    });
    return this.serverCheck;
  }

  // ---- health ------------------------------------------------------------------------------

  /**
   * False from the moment a call found the server unavailable (any failed read attempt, an
   * append, a lost subscription) until a later call succeeds or a subscription is confirmed
   * again. Passive: it reflects the traffic the store carries; a running subscription, which
   * keeps re-subscribing while the server is away, keeps it current.
   */
  isHealthy(): boolean {
    return this.failure === undefined && !this.unsupported && !this.closing;
  }

  /** The latest unavailable-server error, while the store is unhealthy. */
  get lastError(): unknown {
    return this.failure?.error;
  }

  health(): EventStoreHealth {
    if (this.closing) return { healthy: false, detail: 'closed' };
    if (this.unsupported) return { healthy: false, detail: this.unsupported.message };
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
      await this.verifyServer();
      const result =
        writes.length === 0
          ? await this.check(checks)
          : writes.length === 1
            ? await this.appendOne(writes[0])
            : await this.appendMany(writes);
      this.markAvailable();
      return result;
    } catch (error) {
      if (error instanceof EventStoreUnavailableError) throw error;
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
    if (!result.success) {
      // `throwOnAppendFailure=false` in the connection string makes the client resolve a conflict
      // instead of throwing, with a revision that cannot be trusted (client 1.3.1 `batchAppend.js`:
      // `BigInt(hasCurrentStreamRevision())`), so the actual revision is read back.
      const last = await this.lastEvent(streamId);
      throw new WrongExpectedRevisionError(streamId, expectedRevision, last ? last.revision : 'no_stream');
    }
    const revision = toSafeNumber(result.nextExpectedRevision, 'stream revision');
    // The write's commit position: the log position of its last event (the TransactionEnd
    // prepare); servers report it as both halves, older ones only as `commit`.
    const position = result.position
      ? toSafeNumber(result.position.commit, 'log position')
      : await this.lastPosition(streamId);
    return { position, revisions: { [streamId]: revision } };
  }

  /**
   * All or nothing: one AppendSession transaction on the server (KurrentDB 25.1+). Only the leader
   * takes it; a follower refuses without writing and names the leader (see `notLeaderOf`), so
   * the append is sent again there, and later ones go straight to it.
   */
  private async appendMany(requests: AppendRequest[]): Promise<AppendResult> {
    const sessions: AppendStreamRequest[] = requests.map(({ streamId, expectedRevision, events }) => ({
      streamName: streamId,
      expectedState: toStreamState(expectedRevision),
      events: events.map(toEventData),
    }));
    for (let redirects = 0; ; redirects++) {
      const client = this.writer?.client ?? this.client;
      try {
        const result = await client.multiStreamAppend(sessions);
        const revisions: Record<string, number> = {};
        for (const { streamName, revision } of result.responses)
          revisions[streamName] = toSafeNumber(revision, 'stream revision');
        // The session's commit position: the log position of its last event.
        return { position: toSafeNumber(result.position, 'log position'), revisions };
      } catch (error) {
        const leader = notLeaderOf(error);
        if (leader && redirects < MAX_LEADER_REDIRECTS) {
          // Named again: an election may still be settling.
          if (redirects > 0) await sleep(backoffDelay(this.readRetry, redirects - 1));
          await this.redirectWrites(leader);
          continue;
        }
        if (leader) {
          this.markUnavailable(error);
          throw new EventStoreUnavailableError(
            `append refused: no KurrentDB node took it as leader (last named: ${leader.host}:${leader.port}); nothing was written`,
            error,
          );
        }
        // The leader we were sent to is gone: the next append starts over from the configured server.
        if (client === this.writer?.client && isUnavailable(error)) await this.redirectWrites(undefined);
        throw error;
      }
    }
  }

  private async redirectWrites(leader: Endpoint | undefined): Promise<void> {
    const endpoint = leader && `${leader.host}:${leader.port}`;
    // Concurrent appends refused by the same follower all name the same leader: one client for it.
    if (this.writer?.endpoint === endpoint) return;
    const previous = this.writer?.client;
    this.writer = leader ? { endpoint: endpoint!, client: this.connect(leader) } : undefined;
    if (previous && previous !== this.client) await previous.dispose();
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

  readStream(streamId: string, fromRevision = 0, maxCount?: number): Promise<StoredEvent[]> {
    return this.read(`readStream(${streamId})`, async () => {
      const events: StoredEvent[] = [];
      try {
        for await (const resolved of this.client.readStream(streamId, {
          fromRevision: BigInt(fromRevision),
          direction: FORWARDS,
          ...(maxCount === undefined ? {} : { maxCount }),
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

  readLastEvent(streamId: string): Promise<StoredEvent | undefined> {
    return this.read(`readLastEvent(${streamId})`, () => this.lastEvent(streamId));
  }

  /**
   * Pages on when what the server returned was all left out (other writers' events, see
   * `readFromAll`), so a page is empty only at the end of `$all`.
   */
  readAll(afterPosition: number, maxCount: number): Promise<StoredEvent[]> {
    if (maxCount <= 0) return Promise.resolve([]);
    return this.read('readAll', async () => {
      const events: StoredEvent[] = [];
      let from: Position | typeof START = afterPosition > 0 ? fromPortPosition(afterPosition) : START;
      for (;;) {
        // `$all` reads include the event at fromPosition: read one more and drop what is not after.
        const page = await recordedOf(
          this.client.readAll({
            fromPosition: from,
            direction: FORWARDS,
            maxCount: maxCount + 1,
            filter: SYSTEM_EVENTS_FILTER,
          }),
        );
        for (const recorded of page) {
          if (from !== START && samePosition(recorded.position, from)) continue;
          const event = this.ours(recorded, true);
          if (event && event.position > afterPosition) events.push(event);
        }
        const last = page[page.length - 1]?.position;
        if (events.length >= maxCount || page.length <= maxCount || !last) return events.slice(0, maxCount);
        from = last;
      }
    });
  }

  /**
   * The newest event a subscription would deliver, hence read with the same system-event filter
   * and skipping what subscriptions leave out: the projection runner waits at start-up for its
   * position to reach the head, and would wait for ever on an event it is never given.
   */
  headPosition(): Promise<number> {
    return this.read('headPosition', async () => {
      let from: Position | typeof END = END;
      for (;;) {
        // Backward reads exclude the event at fromPosition (KurrentDB `ReaderIndex/AllReader.cs`: records ending at or before it).
        const page = await recordedOf(
          this.client.readAll({
            fromPosition: from,
            direction: BACKWARDS,
            maxCount: HEAD_PAGE,
            filter: SYSTEM_EVENTS_FILTER,
          }),
        );
        for (const recorded of page) {
          const event = this.ours(recorded, false);
          if (event) return event.position;
        }
        const last = page[page.length - 1]?.position;
        if (page.length < HEAD_PAGE || !last) return 0;
        from = last;
      }
    });
  }

  subscribeToAll(afterPosition: number, handler: BatchHandler, onError?: (error: unknown) => void): Subscription {
    this.assertOpen();
    const subscription = new AllSubscription(
      afterPosition,
      {
        open: async (position) => {
          await this.verifyServer();
          // Subscriptions start after fromPosition; the loop drops anything at or before it all the same.
          return this.client.subscribeToAll(
            { fromPosition: position > 0 ? fromPortPosition(position) : START, filter: SYSTEM_EVENTS_FILTER },
            { highWaterMark: this.batchSize },
          );
        },
        batchSize: this.batchSize,
        retry: this.subscriptionRetry,
        onUnavailable: (error) => this.markUnavailable(error),
        onReachable: () => this.markAvailable(),
        onStopped: (stopped) => this.subscriptions.delete(stopped),
        onSkipped: (skipped) => this.skipped(skipped),
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
      await this.redirectWrites(undefined);
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
        await this.verifyServer();
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

  /** The event, when it is one of ours; otherwise counted (when `report`) and left out. */
  private ours(recorded: RecordedEvent, report: boolean): StoredEvent | undefined {
    const read = readFromAll(recorded);
    if (read.kind === 'ours') return read.event;
    if (report) this.skipped(read);
    return undefined;
  }

  private skipped(skipped: SkippedEvent): void {
    this.skippedEvents[skipped.kind]++;
    if (skipped.kind === 'unreadable') {
      this.logger.warn(
        `KurrentDB: skipped event ${skipped.eventId} (${skipped.type}) in ${skipped.streamId}, which cannot be read: ${skipped.reason}`,
      );
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

async function recordedOf(events: AsyncIterable<AllStreamResolvedEvent>): Promise<RecordedEvent[]> {
  const recorded: RecordedEvent[] = [];
  for await (const resolved of events) if (resolved.event) recorded.push(resolved.event);
  return recorded;
}

function samePosition(a: Position | undefined, b: Position): boolean {
  return a !== undefined && a.commit === b.commit && a.prepare === b.prepare;
}
