import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  AppendRequest,
  AppendResult,
  BatchHandler,
  EventStore,
  EventStoreUnavailableError,
  StoredEvent,
  Subscription,
  WrongExpectedRevisionError,
} from '../port';
import { CatchUpSubscription } from './catch-up-subscription';
import { EVENT_COLUMNS, EventRow, toStoredEvent } from './event-row';
import { openDatabase } from './schema';

export const EVENTS_FILE = 'events.sqlite';

/** Large enough to amortise per-batch overhead, small enough to keep handler latency flat. */
const SUBSCRIPTION_BATCH_SIZE = 500;

/** SQLite errors that say "not now" rather than "never": the caller may retry. */
const TRANSIENT_CODE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN)/;

/**
 * The embedded event store: one SQLite file, owned by this process. Subscriptions are woken
 * in-process after each commit, so a second process appending to the same file would not wake
 * them: run one store per directory.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private closing: Promise<void> | undefined;
  private queued: QueuedAppend[] = [];

  private readonly insertEvent: Database.Statement<[string, number, string, string, string, string, string]>;
  private readonly selectStreamRevision: Database.Statement<[string], number>;
  private readonly selectStream: Database.Statement<[string, number], EventRow>;
  private readonly selectAll: Database.Statement<[number, number], EventRow>;
  private readonly selectHead: Database.Statement<[], number>;
  private readonly appendAtomically: Database.Transaction<(requests: AppendRequest[]) => AppendResult>;
  private readonly commitGroup: Database.Transaction<(group: QueuedAppend[]) => Outcome[]>;

  /** Opens (creating if needed) the store kept at `<directory>/events.sqlite`. */
  constructor(directory: string) {
    mkdirSync(directory, { recursive: true });
    this.db = openDatabase(join(directory, EVENTS_FILE));
    this.insertEvent = this.db.prepare(
      `INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectStreamRevision = this.db
      .prepare<[string], number>('SELECT revision FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1')
      .pluck();
    this.selectStream = this.db.prepare(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision`,
    );
    this.selectAll = this.db.prepare(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
    );
    this.selectHead = this.db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck();
    // Called inside commitGroup, each append becomes a savepoint: it fails alone, atomically.
    this.appendAtomically = this.db.transaction((requests: AppendRequest[]) => this.write(requests));
    this.commitGroup = this.db.transaction((group: QueuedAppend[]) =>
      group.map(({ requests }) => this.tryAppend(requests)),
    );
  }

  /**
   * Group commit: appends queued during one event-loop turn share one transaction, hence one
   * fsync, which is what bounds throughput under synchronous=FULL. Each still succeeds or fails
   * on its own, and resolves only once the shared transaction is durable.
   */
  append(requests: AppendRequest[]): Promise<AppendResult> {
    if (this.closing) return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      if (this.queued.push({ requests, resolve, reject }) === 1) setImmediate(() => this.commitQueued());
    });
  }

  async readStream(streamId: string, fromRevision = 0): Promise<StoredEvent[]> {
    return this.run(() => this.selectStream.all(streamId, fromRevision).map(toStoredEvent));
  }

  async readAll(afterPosition: number, maxCount: number): Promise<StoredEvent[]> {
    return this.run(() => this.readAllNow(afterPosition, maxCount));
  }

  async headPosition(): Promise<number> {
    return this.run(() => this.head());
  }

  subscribeToAll(afterPosition: number, handler: BatchHandler, onError?: (error: unknown) => void): Subscription {
    const subscription = new CatchUpSubscription(
      afterPosition,
      (after, maxCount) => this.run(() => this.readAllNow(after, maxCount)),
      SUBSCRIPTION_BATCH_SIZE,
      handler,
      onError,
      (stopped) => this.subscriptions.delete(stopped),
    );
    this.subscriptions.add(subscription);
    subscription.wake();
    return subscription;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // Appends accepted before close() are still committed, not dropped.
      this.commitQueued();
      await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
      this.db.close();
    })();
    return this.closing;
  }

  private commitQueued(): void {
    const group = this.queued;
    if (group.length === 0) return;
    this.queued = [];
    let outcomes: Outcome[];
    try {
      // IMMEDIATE takes the write lock up front, so revision checks and inserts see one state.
      outcomes = this.commitGroup.immediate(group);
    } catch (error) {
      const failure = translate(error);
      for (const { reject } of group) reject(failure);
      return;
    }
    if (outcomes.some((outcome) => 'result' in outcome && Object.keys(outcome.result.revisions).length > 0)) {
      for (const subscription of this.subscriptions) subscription.wake();
    }
    outcomes.forEach((outcome, index) => {
      if ('result' in outcome) group[index].resolve(outcome.result);
      else group[index].reject(outcome.error);
    });
  }

  private tryAppend(requests: AppendRequest[]): Outcome {
    try {
      return { result: this.appendAtomically(requests) };
    } catch (error) {
      // Some failures (disk full, I/O) make SQLite abandon the whole transaction: fail the group.
      if (!this.db.inTransaction) throw error;
      return { error: translate(error) };
    }
  }

  /** Runs inside the append's savepoint: any throw rolls every request back. */
  private write(requests: AppendRequest[]): AppendResult {
    const recordedAt = new Date().toISOString();
    const revisions: Record<string, number> = {};
    let position = 0;
    for (const { streamId, expectedRevision, events } of requests) {
      const current = this.selectStreamRevision.get(streamId);
      const actual = current ?? 'no_stream';
      if (expectedRevision !== 'any' && expectedRevision !== actual) {
        throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
      }
      let revision = current ?? -1;
      for (const event of events) {
        revision += 1;
        const { lastInsertRowid } = this.insertEvent.run(
          streamId,
          revision,
          event.eventId,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
          recordedAt,
        );
        position = Number(lastInsertRowid);
      }
      if (events.length > 0) revisions[streamId] = revision;
    }
    // Nothing written (only revision checks): report the head, which the caller has now "seen".
    return { position: position || this.head(), revisions };
  }

  /** COALESCE always yields a row, so the result is never undefined. */
  private head(): number {
    return this.selectHead.get() as number;
  }

  private readAllNow(afterPosition: number, maxCount: number): StoredEvent[] {
    return this.selectAll.all(afterPosition, maxCount).map(toStoredEvent);
  }

  /** Guards against use after close and maps driver errors onto the port's vocabulary. */
  private run<T>(operation: () => T): T {
    if (this.closing) throw closedError();
    try {
      return operation();
    } catch (error) {
      throw translate(error);
    }
  }
}

interface QueuedAppend {
  requests: AppendRequest[];
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

type Outcome = { result: AppendResult } | { error: unknown };

function closedError(): EventStoreUnavailableError {
  return new EventStoreUnavailableError('the event store is closed');
}

/**
 * Recognised by shape, not `instanceof`: the native addon binds its error class once per process, so under a
 * fresh module registry (Jest loads modules per test file) a SqliteError need not be this module's class.
 */
const isSqliteError = (error: unknown): error is { code: string; message: string } =>
  typeof error === 'object' &&
  error !== null &&
  (error as Error).name === 'SqliteError' &&
  typeof (error as { code?: unknown }).code === 'string';

function translate(error: unknown): unknown {
  if (!isSqliteError(error)) return error;
  if (error.code === 'SQLITE_CONSTRAINT_UNIQUE' && error.message.includes('events.event_id')) {
    return new Error('duplicate event id: an event id in this append is already stored or repeated', { cause: error });
  }
  if (TRANSIENT_CODE.test(error.code)) return new EventStoreUnavailableError(error.message, error);
  return error;
}
