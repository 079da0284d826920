import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

/**
 * Read models live in their own SQLite file: they are derived data, rebuilt from the event store at will,
 * so a crash costs at most a re-projection from the last checkpoint (written in the same transaction).
 */
export const openReadModelDb = (directory: string, file = 'read-models.sqlite'): Db => {
  mkdirSync(directory, { recursive: true });
  const db = new Database(join(directory, file));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
};

/**
 * A throw-away place for a rebuild (replay): nobody reads it concurrently and a crash just means replaying
 * again, so pages are written once (no WAL copy, no sync); the rollback journal stays, in memory, so a failed
 * batch still rolls back.
 */
export const openScratchReadModelDb = (directory: string, file = 'read-models.sqlite'): Db => {
  mkdirSync(directory, { recursive: true });
  const db = new Database(join(directory, file));
  db.pragma('journal_mode = MEMORY');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  return db;
};
