import { DomainEvent } from '#domain';
import { toDomainEvent } from '#event-envelope';
import { StoredEvent } from '#event-store';
import { Db } from './database';
import { EventTypePattern, Projection, ProjectionHandler } from './projection';

interface Entry {
  projection: Projection;
  handler: ProjectionHandler;
  checkpoint: number;
}

/**
 * The projections of one read-model database and their checkpoints. Each batch is applied in one transaction
 * that also moves every checkpoint, so the read models and their checkpoints can never disagree.
 *
 * Each event goes only to the projections that read its type, and its domain event is built once for all of
 * them: looping every projection over every event, each building its own, was a good part of a replay's cost.
 */
export class ProjectionSet {
  private readonly entries: Entry[];
  private readonly saveCheckpoint;
  /** The projections reading each event type met so far, in the order given. */
  private readonly readers = new Map<string, Entry[]>();

  constructor(
    private readonly db: Db,
    projections: Projection[],
  ) {
    db.exec('CREATE TABLE IF NOT EXISTS checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL)');
    const read = db.prepare('SELECT position FROM checkpoints WHERE projection = ?');
    this.saveCheckpoint = db.prepare(`INSERT INTO checkpoints (projection, position) VALUES (?, ?)
      ON CONFLICT (projection) DO UPDATE SET position = excluded.position`);
    this.entries = projections.map((p) => ({
      projection: p,
      handler: p.open(db),
      checkpoint: (read.get(p.name) as { position: number } | undefined)?.position ?? 0,
    }));
  }

  /** The position every projection has reached. */
  get position(): number {
    return Math.min(...this.entries.map((e) => e.checkpoint));
  }

  apply(events: StoredEvent[]): void {
    if (events.length === 0) return;
    const last = events[events.length - 1].position;
    try {
      this.applyInTransaction(events, last);
    } catch (error) {
      // What the handlers kept in memory (rows, sums, rows already written) may be from the batch rolled back.
      for (const entry of this.entries) entry.handler = entry.projection.open(this.db);
      throw error;
    }
  }

  private applyInTransaction(events: StoredEvent[], last: number): void {
    this.db.transaction(() => {
      for (const stored of events) {
        let event: DomainEvent | undefined;
        for (const entry of this.readersOf(stored.type)) {
          if (stored.position <= entry.checkpoint) continue;
          entry.handler.apply(stored, (event ??= toDomainEvent(stored)));
        }
      }
      for (const entry of this.entries) {
        entry.handler.flush?.();
        this.saveCheckpoint.run(entry.projection.name, Math.max(entry.checkpoint, last));
      }
    })();
    // Only once committed: a batch rolled back leaves every checkpoint where the file has it.
    for (const entry of this.entries) entry.checkpoint = Math.max(entry.checkpoint, last);
  }

  private readersOf(type: string): Entry[] {
    let readers = this.readers.get(type);
    if (!readers) {
      readers = this.entries.filter((e) => readsType(e.projection.reads, type));
      this.readers.set(type, readers);
    }
    return readers;
  }
}

/** Whether a projection reading `patterns` reads events of `type`. */
export const readsType = (patterns: readonly EventTypePattern[], type: string): boolean =>
  patterns.some((p) => (p.endsWith('.*') ? type.startsWith(p.slice(0, -1)) : type === p));
