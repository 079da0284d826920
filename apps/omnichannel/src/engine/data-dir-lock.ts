import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export const LOCK_FILE = 'instance.lock';
export const HOLDER_FILE = 'instance.lock.json';

/** Who holds a data directory: written beside the lock by the process that took it. */
export interface LockHolder {
  instanceId: string;
  pid: number;
  host: string;
  since: string;
}

/** A second process on a data directory that another one holds. */
export class DataDirLockedError extends Error {
  constructor(
    readonly directory: string,
    readonly holder?: LockHolder,
  ) {
    const who = holder
      ? `instance ${holder.instanceId} (pid ${holder.pid} on ${holder.host}, since ${holder.since})`
      : 'another process (its name is not written yet)';
    super(
      `OMNICHANNEL_DATA_DIR ${directory} is in use by ${who}: one process per data directory; ` +
        'give this one its own OMNICHANNEL_DATA_DIR, or stop the other first',
    );
    this.name = 'DataDirLockedError';
  }
}

/**
 * The data directory (embedded event store, read models, outbox checkpoints) belongs to one process. Node has no
 * flock, so the lock is SQLite's own: a small database opened in exclusive locking mode with a write transaction
 * left open. SQLite takes that as an OS file lock (fcntl), which the kernel drops when the holder's process ends
 * however it ends, kill -9 included: no stale lock file to clean up, no pid to guess about. Readers such as
 * `npm run replay` open the other files read-only and never touch this one.
 */
export class DataDirLock {
  /**
   * Every lock taken, for the life of the process. A caller's variable is not enough: once start-up returns nothing
   * may reach it, and a collected connection is closed, which drops the OS lock while the process goes on serving.
   */
  private static readonly held: DataDirLock[] = [];

  private constructor(
    /** Never read: holding it keeps the connection, and so the lock, open. */
    private readonly db: Database.Database,
    readonly holder: LockHolder,
  ) {}

  /** Takes the lock or throws DataDirLockedError naming the holder; never waits. */
  static acquire(directory: string, instanceId: string): DataDirLock {
    mkdirSync(directory, { recursive: true });
    const db = new Database(join(directory, LOCK_FILE), { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY')
        throw new DataDirLockedError(directory, readHolder(directory));
      throw error;
    }
    const holder: LockHolder = { instanceId, pid: process.pid, host: hostname(), since: new Date().toISOString() };
    writeFileSync(join(directory, HOLDER_FILE), `${JSON.stringify(holder)}\n`);
    const lock = new DataDirLock(db, holder);
    DataDirLock.held.push(lock);
    return lock;
  }
}

const readHolder = (directory: string): LockHolder | undefined => {
  try {
    return JSON.parse(readFileSync(join(directory, HOLDER_FILE), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
};
