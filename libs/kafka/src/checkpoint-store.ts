import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Where a publisher resumes: the last store position whose event the broker acknowledged. */
export interface CheckpointStore {
  load(name: string): number | undefined | Promise<number | undefined>;
  save(name: string, position: number): void | Promise<void>;
  close(): void;
}

/**
 * Where the outbox of each work partition resumes, on a store shared by several instances (docs/instances.md): the
 * position up to which the events of that partition's keys were acknowledged by the broker.
 */
export interface PartitionCheckpoints {
  /** The checkpoints of `partitions`; a partition never checkpointed is absent (published from the store's start). */
  load(partitions: number[]): Promise<ReadonlyMap<number, number>>;
  /** Fails when this instance may no longer own them (the coordinator refuses a former owner's commit). */
  save(checkpoints: ReadonlyMap<number, number>): Promise<void>;
  /** False while this instance's share may have moved without its knowing (a lease run out): nothing is sent. */
  holds(): boolean;
}

export const CHECKPOINT_FILE = 'kafka-checkpoints.sqlite';

/**
 * A small SQLite table next to the event store (OMNICHANNEL_DATA_DIR). Every save is its own
 * transaction in WAL mode, so a crashed process never loses a committed checkpoint; with
 * synchronous=NORMAL a power cut may take back the last few, which only means those events are
 * published again (at least once) — never skipped, as the checkpoint only ever moves behind acks.
 */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly db: Database.Database;
  private readonly select: Database.Statement<[string], { position: number }>;
  private readonly upsert: Database.Statement<[string, number, string]>;

  constructor(directory: string, file = CHECKPOINT_FILE) {
    mkdirSync(directory, { recursive: true });
    this.db = new Database(join(directory, file));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS kafka_checkpoints (
      name TEXT PRIMARY KEY,
      position INTEGER NOT NULL,
      updated_at TEXT NOT NULL
    )`);
    this.select = this.db.prepare('SELECT position FROM kafka_checkpoints WHERE name = ?');
    this.upsert = this.db.prepare(`INSERT INTO kafka_checkpoints (name, position, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`);
  }

  load(name: string): number | undefined {
    return this.select.get(name)?.position;
  }

  save(name: string, position: number): void {
    this.upsert.run(name, position, new Date().toISOString());
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
