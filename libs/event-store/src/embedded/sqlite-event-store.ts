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

  private readonly insertEvent: Database.Statement<[string, number, string, string, string, string, string]>;
  private readonly selectStreamRevision: Database.Statement<[string], number>;
  private readonly selectStream: Database.Statement<[string, number], EventRow>;
  private readonly selectAll: Database.Statement<[number, number], EventRow>;
  private readonly selectHead: Database.Statement<[], number>;
  private readonly appendAtomically: Database.Transaction<(requests: AppendRequest[]) => AppendResult>;

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
    this.selectAll = this.db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`);
    this.selectHead = this.db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck();
    this.appendAtomically = this.db.transaction((requests: AppendRequest[]) => this.write(requests));
  }

  async append(requests: AppendRequest[]): Promise<AppendResult> {
    // IMMEDIATE takes the write lock up front, so the revision checks and the inserts see one state.
    const result = this.run(() => this.appendAtomically.immediate(requests));
    if (Object.keys(result.revisions).length > 0) {
      for (const subscription of this.subscriptions) subscription.wake();
    }
    return result;
  }

  async readStream(streamId: string, fromRevision = 0): Promise<StoredEvent[]> {
    return this.run(() => this.selectStream.all(streamId, fromRevision).map(toStoredEvent));
  }

  async readAll(afterPosition: number, maxCount: number): Promise<StoredEvent[]> {
    return this.run(() => this.readAllNow(afterPosition, maxCount));
  }

  async headPosition(): Promise<number> {
    return this.run(() => this.selectHead.get() as number);
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
      await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
      this.db.close();
    })();
    return this.closing;
  }

  /** Runs inside the append transaction: any throw rolls every request back. */
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
    return { position: position || (this.selectHead.get() as number), revisions };
  }

  private readAllNow(afterPosition: number, maxCount: number): StoredEvent[] {
    return this.selectAll.all(afterPosition, maxCount).map(toStoredEvent);
  }

  /** Guards against use after close and maps driver errors onto the port's vocabulary. */
  private run<T>(operation: () => T): T {
    if (this.closing) throw new EventStoreUnavailableError('the event store is closed');
    try {
      return operation();
    } catch (error) {
      throw translate(error);
    }
  }
}

function translate(error: unknown): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  if (error.code === 'SQLITE_CONSTRAINT_UNIQUE' && error.message.includes('events.event_id')) {
    return new Error('duplicate event id: an event id in this append is already stored or repeated', { cause: error });
  }
  if (TRANSIENT_CODE.test(error.code)) return new EventStoreUnavailableError(error.message, error);
  return error;
}
