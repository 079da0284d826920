/**
 * The writer thread: owns the store's only write connection. It takes a group of appends, checks
 * the revisions and inserts inside one IMMEDIATE transaction, commits (the fsync of
 * synchronous=FULL happens here, off the main thread's event loop) and answers with an outcome per
 * append. Only type imports from this library: from sources (Jest) this file is transpiled alone.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type {
  GroupCommitted,
  WireAppend,
  WireError,
  WireOutcome,
  WireRequest,
  WriterMessage,
  WriterOptions,
} from './writer-protocol';

class RevisionMismatch extends Error {
  constructor(readonly wire: WireError) {
    super('wrong expected revision');
  }
}

const { file, pragmas } = workerData as WriterOptions;
const db = new Database(file);
for (const pragma of pragmas) db.pragma(pragma);

const insertEvent = db.prepare<[string, number, string, string, string, string, string]>(
  `INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at)
   VALUES (?, ?, ?, ?, ?, ?, ?)`,
);
const selectStreamRevision = db
  .prepare<[string], number>('SELECT revision FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1')
  .pluck();
const selectHead = db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck();

/** Runs inside the append's savepoint: any throw rolls every request of it back. */
function write(requests: WireRequest[]): { position: number; revisions: Record<string, number> } {
  const recordedAt = new Date().toISOString();
  const revisions: Record<string, number> = {};
  let position = 0;
  for (const { streamId, expectedRevision, events } of requests) {
    const current = selectStreamRevision.get(streamId);
    const actual = current ?? 'no_stream';
    if (expectedRevision !== 'any' && expectedRevision !== actual) {
      throw new RevisionMismatch({ kind: 'wrong_revision', streamId, expected: expectedRevision, actual });
    }
    let revision = current ?? -1;
    for (const [eventId, type, data, metadata] of events) {
      revision += 1;
      position = Number(insertEvent.run(streamId, revision, eventId, type, data, metadata, recordedAt).lastInsertRowid);
    }
    if (events.length > 0) revisions[streamId] = revision;
  }
  // Nothing written (only revision checks): report the head, which the caller has now "seen".
  return { position: position || (selectHead.get() as number), revisions };
}

// Called inside commitGroup, each append becomes a savepoint: it fails alone, atomically.
const appendAtomically = db.transaction(write);

function tryAppend(requests: WireAppend): WireOutcome {
  try {
    return { result: appendAtomically(requests) };
  } catch (error) {
    // Some failures (disk full, I/O) make SQLite abandon the whole transaction: fail the group.
    if (!db.inTransaction) throw error;
    return { error: describe(error) };
  }
}

const commitGroup = db.transaction((group: WireAppend[]) => group.map(tryAppend));

function describe(error: unknown): WireError {
  if (error instanceof RevisionMismatch) return error.wire;
  const { name, code, message } = error as { name?: string; code?: unknown; message?: string };
  return {
    kind: 'error',
    name: name ?? 'Error',
    code: typeof code === 'string' ? code : undefined,
    message: message ?? String(error),
  };
}

parentPort!.on('message', (message: WriterMessage) => {
  if (message === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  let answer: GroupCommitted;
  try {
    // IMMEDIATE takes the write lock up front, so revision checks and inserts see one state.
    answer = { outcomes: commitGroup.immediate(message) };
  } catch (error) {
    answer = { failed: describe(error) };
  }
  parentPort!.postMessage(answer);
});
