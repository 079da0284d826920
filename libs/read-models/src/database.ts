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
  // One connection owns the file: no lock taken and released around every transaction.
  db.pragma('locking_mode = EXCLUSIVE');
  return db;
};

/** Statements built from a filter's shape, prepared once per shape: there are only a few shapes. */
export class StatementsByShape {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Db) {}

  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }
}
