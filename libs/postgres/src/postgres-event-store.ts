import { Pool, PoolClient, PoolConfig, QueryArrayConfig, types } from 'pg';
import {
  AppendRequest,
  AppendResult,
  BatchHandler,
  EventStore,
  EventStoreUnavailableError,
  StoredEvent,
  Subscription,
  WrongExpectedRevisionError,
  RetryPolicy,
  backoffDelay,
  sleep,
} from '#event-store';
import { isUnavailable, messageOf, unavailable } from './errors';
import { EVENTS_TABLE, EVENT_COLUMNS, EventRow, toStoredEvent } from './event-row';
import { GroupWriter } from './group-writer';
import { NotificationListener } from './notification-listener';
import { DEFAULT_READ_RETRY, DEFAULT_RECONNECT_RETRY } from './retry';
import { migrate } from './schema';
import { PostgresSubscription } from './subscription';

export interface PostgresEventStoreOptions {
  /** Most connections the store opens for appends and reads (the listener has one more). */
  poolSize?: number;
  /** Server-side limit of one statement, in ms: a slow server fails calls instead of piling them up. */
  statementTimeoutMs?: number;
  /** How long opening a connection (or waiting for a free one) may take, in ms. */
  connectionTimeoutMs?: number;
  /** Most events per subscription batch. */
  subscriptionBatchSize?: number;
  /** Most appends sent in one group (one transaction, one round trip). */
  maxGroupSize?: number;
  /** Fallback poll of subscriptions while notifications arrive, in ms (a safety net only). */
  pollWhileListeningMs?: number;
  /** Fallback poll while the notification connection is down, in ms. */
  pollWithoutListenerMs?: number;
  readRetry?: RetryPolicy;
  reconnectRetry?: RetryPolicy;
}

/** Same shape as the app's `ComponentHealth`. */
export interface PostgresHealth {
  healthy: boolean;
  detail?: string;
}

const DEFAULTS = {
  poolSize: 10,
  statementTimeoutMs: 10_000,
  connectionTimeoutMs: 5_000,
  subscriptionBatchSize: 500,
  maxGroupSize: 500,
  pollWhileListeningMs: 5_000,
  pollWithoutListenerMs: 500,
} satisfies PostgresEventStoreOptions;

/** Pages at least this large are read ahead (see readAllOnce); subscriptions' batches are smaller. */
const READ_AHEAD_MIN_PAGE = 2_000;

/** int8 as a number: positions and counts stay far below 2^53. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.INT8 ? Number : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
};

/**
 * The event store on PostgreSQL (docs/postgres.md). One table of events ordered by a global
 * position; appends go through the `append_group` function, grouped per process (GroupWriter), and
 * serialised by an advisory lock so positions commit in order; subscriptions read after their
 * position, woken by LISTEN/NOTIFY with a bounded fallback poll.
 */
export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly options: Required<PostgresEventStoreOptions>;
  private readonly writer: GroupWriter;
  private readonly listener: NotificationListener;
  private readonly subscriptions = new Set<PostgresSubscription>();
  private schemaReady: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private failure: { error: unknown; since: Date } | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private readAhead: { after: number; max: number; page: Promise<StoredEvent[]> } | undefined;

  /** `connectionString`: a `postgres://` URL (TLS and credentials through it); it is never logged. */
  constructor(connectionString: string, options: PostgresEventStoreOptions = {}) {
    this.options = {
      ...DEFAULTS,
      readRetry: DEFAULT_READ_RETRY,
      reconnectRetry: DEFAULT_RECONNECT_RETRY,
      ...options,
    };
    const config: PoolConfig = {
      // Settings in the URL's query (e.g. ?statement_timeout=) win over these defaults.
      connectionString,
      application_name: 'omnichannel',
      statement_timeout: this.options.statementTimeoutMs,
      // The client's own bound, for a server that stopped answering at all (no TCP reset).
      query_timeout: this.options.statementTimeoutMs + 5_000,
      connectionTimeoutMillis: this.options.connectionTimeoutMs,
      keepAlive: true,
      types: TYPES,
    };
    this.pool = new Pool({ ...config, max: this.options.poolSize, idleTimeoutMillis: 30_000 });
    // An idle pooled connection that breaks (a server restart) emits here; the pool drops it.
    this.pool.on('error', (error) => this.markUnavailable(error));
    this.writer = new GroupWriter({
      run: (payload) => this.runGroup(payload),
      maxGroupSize: this.options.maxGroupSize,
      onCommitted: () => this.wakeAll(),
    });
    const { query_timeout: _unusedForListen, ...listenerConfig } = config;
    this.listener = new NotificationListener(
      listenerConfig,
      this.options.reconnectRetry,
      () => this.wakeAll(),
      (error) => this.markUnavailable(error),
    );
  }

  /**
   * Creates or migrates the schema; every call awaits it first. Only success is remembered: after
   * a failure (an unreachable server: `EventStoreUnavailableError`) the next call tries again.
   */
  prepare(): Promise<void> {
    this.schemaReady ??= this.withClient((client) => migrate(client)).catch((error: unknown) => {
      this.schemaReady = undefined;
      if (isUnavailable(error)) {
        this.markUnavailable(error);
        throw unavailable('the schema could not be prepared', error);
      }
      throw error;
    });
    return this.schemaReady;
  }

  health(): PostgresHealth {
    if (this.closing) return { healthy: false, detail: 'closed' };
    if (!this.failure) return { healthy: true };
    const { error, since } = this.failure;
    return { healthy: false, detail: `PostgreSQL unavailable since ${since.toISOString()}: ${messageOf(error)}` };
  }

  // ---- writes ------------------------------------------------------------------------------

  /**
   * Queued for the next group: appends accepted while the previous group's transaction runs are
   * sent together, in one round trip; each fails or succeeds on its own. Not retried: a group whose
   * connection broke may or may not have been committed, and only the caller can decide.
   */
  async append(requests: AppendRequest[]): Promise<AppendResult> {
    this.assertOpen();
    const wire = requests.map(({ streamId, expectedRevision, events }) => ({
      s: streamId,
      e: expectedRevision,
      v: events.map((e) => [e.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)]),
    }));
    const outcome = await this.writer.submit(wire);
    if ('p' in outcome) {
      this.markAvailable();
      return { position: outcome.p, revisions: outcome.r };
    }
    if ('w' in outcome) {
      const [streamId, expected, actual] = outcome.w;
      const asked = expected === 'no_stream' || expected === 'any' ? expected : Number(expected);
      throw new WrongExpectedRevisionError(streamId, asked, actual ?? 'no_stream');
    }
    const [state, message, constraint] = outcome.e;
    if (constraint === 'events_event_id') {
      throw new Error('duplicate event id: an event id in this append is already stored or repeated');
    }
    throw Object.assign(new Error(`PostgreSQL refused the append: ${message}`), { code: state });
  }

  private async runGroup(payload: string): Promise<unknown> {
    try {
      await this.prepare();
      const { rows } = await this.pool.query<{ outcomes: unknown }>({
        name: 'omnichannel_append_group',
        text: 'SELECT omnichannel.append_group($1::json) AS outcomes',
        values: [payload],
      });
      return rows[0].outcomes;
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      this.markUnavailable(error);
      throw unavailable('the append failed and may or may not have been written', error);
    }
  }

  // ---- reads -------------------------------------------------------------------------------

  readStream(streamId: string, fromRevision = 0, maxCount?: number): Promise<StoredEvent[]> {
    return this.read('readStream', () =>
      this.rows({
        name: 'omnichannel_read_stream',
        // LIMIT NULL is no limit.
        text: `SELECT ${EVENT_COLUMNS} FROM ${EVENTS_TABLE} WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
        values: [streamId, fromRevision, maxCount ?? null],
      }),
    );
  }

  readLastEvent(streamId: string): Promise<StoredEvent | undefined> {
    return this.read('readLastEvent', async () => {
      const [last] = await this.rows({
        name: 'omnichannel_read_last',
        text: `SELECT ${EVENT_COLUMNS} FROM ${EVENTS_TABLE} WHERE stream_id = $1 ORDER BY revision DESC LIMIT 1`,
        values: [streamId],
      });
      return last;
    });
  }

  readAll(afterPosition: number, maxCount: number): Promise<StoredEvent[]> {
    if (maxCount <= 0) return Promise.resolve([]);
    return this.read('readAll', () => this.readAllOnce(afterPosition, maxCount));
  }

  headPosition(): Promise<number> {
    return this.read('headPosition', async () => {
      const { rows } = await this.pool.query<{ head: number }>(
        `SELECT coalesce(max(position), 0) AS head FROM ${EVENTS_TABLE}`,
      );
      return rows[0].head;
    });
  }

  subscribeToAll(afterPosition: number, handler: BatchHandler, onError?: (error: unknown) => void): Subscription {
    this.assertOpen();
    const subscription = new PostgresSubscription(
      afterPosition,
      {
        readAll: async (after, maxCount) => {
          await this.prepare();
          const events = await this.readAllOnce(after, maxCount);
          this.markAvailable();
          return events;
        },
        batchSize: this.options.subscriptionBatchSize,
        retry: this.options.reconnectRetry,
        onUnavailable: (error) => this.markUnavailable(error),
        onStopped: (stopped) => this.subscriptions.delete(stopped),
      },
      handler,
      onError,
    );
    this.subscriptions.add(subscription);
    this.listener.start();
    this.schedulePoll();
    subscription.wake();
    return subscription;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // Appends accepted before close() are still sent, not dropped.
      await this.writer.drain();
      await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
      clearTimeout(this.pollTimer);
      await this.readAhead?.page.catch(() => undefined);
      await this.listener.stop();
      await this.pool.end();
    })();
    return this.closing;
  }

  // ---- helpers -----------------------------------------------------------------------------

  /**
   * Everything after `afterPosition`. Safe to read as "everything after my checkpoint" because
   * positions become visible in order (the append lock, docs/postgres.md): once a position is
   * visible, every smaller one that will ever exist is visible too.
   *
   * Read-ahead: a full page of a large read (replay, rebuild) starts the read of the next page at
   * once, so the server and the connection work while the caller handles this one. A page read
   * ahead is served only if it came back full; a short one (the end of the store as it was then)
   * is read again, so a read still sees every append acknowledged before it.
   */
  private async readAllOnce(afterPosition: number, maxCount: number): Promise<StoredEvent[]> {
    const ahead = this.readAhead;
    let events: StoredEvent[] | undefined;
    if (ahead && ahead.after === afterPosition && ahead.max === maxCount) {
      this.readAhead = undefined;
      const page = await ahead.page.catch(() => undefined);
      if (page?.length === maxCount) events = page;
    }
    events ??= await this.page(afterPosition, maxCount);
    if (maxCount >= READ_AHEAD_MIN_PAGE && events.length === maxCount && !this.closing) {
      const after = events[events.length - 1].position;
      const page = this.page(after, maxCount);
      // A failed read-ahead is only dropped: the page is then read again when asked for.
      page.catch(() => undefined);
      this.readAhead = { after, max: maxCount, page };
    }
    return events;
  }

  private page(afterPosition: number, maxCount: number): Promise<StoredEvent[]> {
    return this.rows({
      name: 'omnichannel_read_all',
      text: `SELECT ${EVENT_COLUMNS} FROM ${EVENTS_TABLE} WHERE position > $1 ORDER BY position LIMIT $2`,
      values: [afterPosition, maxCount],
    });
  }

  private async rows(query: Omit<QueryArrayConfig, 'rowMode'>): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query<EventRow>({ ...query, rowMode: 'array' });
    return rows.map(toStoredEvent);
  }

  /** Runs a read, retrying with back-off while the server is unavailable. */
  private async read<T>(what: string, operation: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      this.assertOpen();
      try {
        await this.prepare();
        const result = await operation();
        this.markAvailable();
        return result;
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        this.markUnavailable(error);
        if (attempt >= this.options.readRetry.attempts || this.closing) {
          throw unavailable(`${what} failed after ${attempt} attempt(s)`, error);
        }
        await sleep(backoffDelay(this.options.readRetry, attempt - 1));
      }
    }
  }

  private async withClient<T>(operation: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await operation(client);
    } finally {
      client.release();
    }
  }

  private wakeAll(): void {
    for (const subscription of this.subscriptions) subscription.wake();
  }

  /** The safety net under notifications: sparse while they arrive, frequent while they cannot. */
  private schedulePoll(): void {
    if (this.pollTimer || this.closing) return;
    const delay = this.listener.connected ? this.options.pollWhileListeningMs : this.options.pollWithoutListenerMs;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      if (this.subscriptions.size === 0) return;
      this.wakeAll();
      this.schedulePoll();
    }, delay);
    this.pollTimer.unref();
  }

  private markUnavailable(error: unknown): void {
    this.failure = { error, since: this.failure?.since ?? new Date() };
  }

  private markAvailable(): void {
    this.failure = undefined;
  }

  private assertOpen(): void {
    if (this.closing) throw new EventStoreUnavailableError('the PostgreSQL event store is closed');
  }
}
