import { StoredEvent } from '#event-store';
import { Db } from './database';
import { Projection, ProjectionHandler } from './projection';

/**
 * The projections of one read-model database and their checkpoints. Each batch is applied in one transaction
 * that also moves every checkpoint, so the read models and their checkpoints can never disagree.
 */
export class ProjectionSet {
  private readonly handlers: { name: string; handler: ProjectionHandler; checkpoint: number }[];
  private readonly saveCheckpoint;

  constructor(
    private readonly db: Db,
    projections: Projection[],
  ) {
    db.exec('CREATE TABLE IF NOT EXISTS checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL)');
    const read = db.prepare('SELECT position FROM checkpoints WHERE projection = ?');
    this.saveCheckpoint = db.prepare(`INSERT INTO checkpoints (projection, position) VALUES (?, ?)
      ON CONFLICT (projection) DO UPDATE SET position = excluded.position`);
    this.handlers = projections.map((p) => ({
      name: p.name,
      handler: p.open(db),
      checkpoint: (read.get(p.name) as { position: number } | undefined)?.position ?? 0,
    }));
  }

  /** The position every projection has reached. */
  get position(): number {
    return Math.min(...this.handlers.map((h) => h.checkpoint));
  }

  apply(events: StoredEvent[]): void {
    if (events.length === 0) return;
    const last = events[events.length - 1].position;
    this.db.transaction(() => {
      for (const handler of this.handlers) {
        const projection = handler.handler;
        for (const event of events) if (event.position > handler.checkpoint) projection.apply(event);
        handler.handler.flush?.();
        handler.checkpoint = Math.max(handler.checkpoint, last);
        this.saveCheckpoint.run(handler.name, handler.checkpoint);
      }
    })();
  }
}
