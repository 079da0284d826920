import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
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
import { EVENT_COLUMNS, EventRow, toParsedStoredEvent, toStoredEvent } from './event-row';
import { PRAGMAS, openDatabase } from './schema';
import { GroupCommitted, WireAppend, WireError, WireEvent, WriterMessage } from './writer-protocol';
import { startWriter } from './writer-thread';

export const EVENTS_FILE = 'events.sqlite';

/** Large enough to amortise per-batch overhead, small enough to keep handler latency flat. */
const SUBSCRIPTION_BATCH_SIZE = 500;

/** SQLite errors that say "not now" rather than "never": the caller may retry. */
const TRANSIENT_CODE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN)/;

/**
 * The embedded event store: one SQLite file, owned by this process. Subscriptions are woken
 * in-process after each commit, so a second process appending to the same file would not wake
 * them: run one store per directory.
 *
 * Writes go to a writer thread that owns the write connection (see sqlite-writer); reads use this
 * thread's own connection, which WAL lets run beside the writer and which sees every commit the
 * writer has reported. So the event loop keeps serving while a group is made durable.
 */
export class SqliteEventStore implements EventStore {
  /** One writer thread commits appends in the order they were queued, and the store is this process's alone. */
  readonly appendsInOrder = true;
  private readonly db: Database.Database;
  private readonly writer: Worker;
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private closing: Promise<void> | undefined;
  private closed = false;
  /** Set once the writer thread died: every later append fails with it. */
  private broken: EventStoreUnavailableError | undefined;
  /** Appends accepted and not yet sent: the next group, forming while the writer commits. */
  private queued: QueuedAppend[] = [];
  /** The group the writer is committing (at most one at a time). */
  private committing: QueuedAppend[] | undefined;
  private sendScheduled = false;
  private drained: (() => void)[] = [];
  private readonly writerExited: Promise<void>;
  private readonly selectStream: Database.Statement<[string, number, number], EventRow>;
  private readonly selectLast: Database.Statement<[string], EventRow>;
  private readonly selectAll: Database.Statement<[number, number], EventRow>;
  private readonly selectHead: Database.Statement<[], number>;

  /** Opens (creating if needed) the store kept at `<directory>/events.sqlite`. */
  constructor(directory: string) {
    mkdirSync(directory, { recursive: true });
    const file = join(directory, EVENTS_FILE);
    // Created and migrated here, synchronously, before the writer thread opens it.
    this.db = openDatabase(file);
    this.selectStream = this.db
      .prepare<[string, number, number], EventRow>(
        // A negative LIMIT is no limit in SQLite.
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
      )
      .raw();
    this.selectLast = this.db
      .prepare<[string], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1`,
      )
      .raw();
    this.selectAll = this.db
      .prepare<[number, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
      )
      .raw();
    this.selectHead = this.db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck();
    this.writer = startWriter({ file, pragmas: PRAGMAS });
    this.writer.on('message', (answer: GroupCommitted) => this.committed(answer));
    this.writer.on('error', (error) => this.writerFailed(error));
    this.writerExited = new Promise((resolve) =>
      this.writer.once('exit', (code) => {
        this.writerFailed(new Error(`the writer thread exited (${code})`));
        resolve();
      }),
    );
    // An idle writer does not keep the process alive; one committing a group does (see send).
    this.writer.unref();
  }

  /**
   * Group commit: appends queued while the writer commits the previous group (or during one
   * event-loop turn when it is idle) share one transaction, hence one fsync, which is what bounds
   * throughput under synchronous=FULL. Each still succeeds or fails on its own, and resolves only
   * once the shared transaction is durable.
   */
  append(requests: AppendRequest[]): Promise<AppendResult> {
    if (this.closing) return Promise.reject(closedError());
    if (this.broken) return Promise.reject(this.broken);
    let wire: WireAppend;
    try {
      wire = requests.map(({ streamId, expectedRevision, events }) => ({
        streamId,
        expectedRevision,
        events: events.map((e) => [e.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)] as WireEvent),
      }));
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.queued.push({ wire, resolve, reject });
      if (!this.committing && !this.sendScheduled) {
        this.sendScheduled = true;
        setImmediate(() => {
          this.sendScheduled = false;
          this.send();
        });
      }
    });
  }

  async readStream(streamId: string, fromRevision = 0, maxCount = -1): Promise<StoredEvent[]> {
    return this.run(() => this.selectStream.all(streamId, fromRevision, maxCount).map(toStoredEvent));
  }

  async readLastEvent(streamId: string): Promise<StoredEvent | undefined> {
    return this.run(() => {
      const row = this.selectLast.get(streamId);
      return row && toStoredEvent(row);
    });
  }

  async readAll(afterPosition: number, maxCount: number): Promise<StoredEvent[]> {
    return this.run(() => this.readAllNow(afterPosition, maxCount));
  }

  async readAllParsed(afterPosition: number, maxCount: number): Promise<StoredEvent[]> {
    return this.run(() => this.selectAll.all(afterPosition, maxCount).map(toParsedStoredEvent));
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
      // Appends accepted before close() are still committed, not dropped; reads go on meanwhile.
      await new Promise<void>((resolve) => {
        this.drained.push(resolve);
        this.send();
      });
      await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
      if (!this.broken) {
        this.writer.ref();
        this.writer.postMessage('close' satisfies WriterMessage);
      }
      await this.writerExited;
      this.closed = true;
      this.db.close();
    })();
    return this.closing;
  }

  /** Hands the queued appends to the writer as one group, unless it is still committing one. */
  private send(): void {
    if (this.committing) return;
    if (this.queued.length === 0 || this.broken) {
      this.settleDrained();
      return;
    }
    this.committing = this.queued;
    this.queued = [];
    this.writer.ref();
    this.writer.postMessage(this.committing.map(({ wire }) => wire) satisfies WriterMessage);
  }

  private committed(answer: GroupCommitted): void {
    const group = this.committing!;
    this.committing = undefined;
    this.writer.unref();
    if ('failed' in answer) {
      const failure = translate(rebuild(answer.failed));
      for (const { reject } of group) reject(failure);
    } else {
      const { outcomes } = answer;
      if (outcomes.some((outcome) => 'result' in outcome && Object.keys(outcome.result.revisions).length > 0)) {
        for (const subscription of this.subscriptions) subscription.wake();
      }
      outcomes.forEach((outcome, index) => {
        if ('result' in outcome) group[index].resolve(outcome.result);
        else group[index].reject(translate(rebuild(outcome.error)));
      });
    }
    // The next group formed while this one was made durable.
    this.send();
  }

  private writerFailed(error: Error): void {
    if (this.broken) return;
    this.broken = new EventStoreUnavailableError(`the event store's writer failed: ${error.message}`, error);
    const lost = [...(this.committing ?? []), ...this.queued];
    this.committing = undefined;
    this.queued = [];
    for (const { reject } of lost) reject(this.broken);
    this.settleDrained();
  }

  private settleDrained(): void {
    const waiting = this.drained;
    this.drained = [];
    for (const resolve of waiting) resolve();
  }

  private readAllNow(afterPosition: number, maxCount: number): StoredEvent[] {
    return this.selectAll.all(afterPosition, maxCount).map(toStoredEvent);
  }

  /** Guards against use after close and maps driver errors onto the port's vocabulary. */
  private run<T>(operation: () => T): T {
    if (this.closed) throw closedError();
    try {
      return operation();
    } catch (error) {
      throw translate(error);
    }
  }
}

interface QueuedAppend {
  wire: WireAppend;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

function rebuild(error: WireError): Error {
  if (error.kind === 'wrong_revision')
    return new WrongExpectedRevisionError(error.streamId, error.expected, error.actual);
  return Object.assign(new Error(error.message), { name: error.name, code: error.code });
}

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
