import Database from 'better-sqlite3';

/** Bumped (with a migration step in `migrate`) whenever the on-disk layout changes. */
export const SCHEMA_VERSION = 1;

/**
 * WAL lets readers run alongside the single writer; synchronous=FULL fsyncs the WAL on every
 * commit, so an acknowledged append survives a process kill and a power loss.
 * busy_timeout only matters if a tool (backup, sqlite3 CLI) holds a lock for a moment.
 */
export const PRAGMAS = ['journal_mode = WAL', 'synchronous = FULL', 'busy_timeout = 5000'] as const;

/**
 * AUTOINCREMENT (not plain rowid) so a position is never handed out twice, even if the newest
 * rows were ever deleted: subscribers checkpoint on positions.
 * UNIQUE(stream_id, revision) doubles as the index for readStream and the stream-revision lookup.
 */
export const SCHEMA_SQL = `
  CREATE TABLE events (
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id   TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    event_id    TEXT    NOT NULL UNIQUE,
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    metadata    TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    UNIQUE (stream_id, revision)
  ) STRICT;
`;

export function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  try {
    for (const pragma of PRAGMAS) db.pragma(pragma);
    // journal_mode silently stays unchanged on file systems without shared-memory support.
    if (db.pragma('journal_mode', { simple: true }) !== 'wal') {
      throw new Error(`cannot enable WAL journal mode for ${file}`);
    }
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`event store schema version ${version} is newer than this code (${SCHEMA_VERSION})`);
    }
    if (version < 1) db.exec(SCHEMA_SQL);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
