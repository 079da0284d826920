import { EventStore, StoredEvent, Subscription } from '../../event-store/src';
import { Db } from './database';
import { Projection } from './projection';

type Waiter = { position: number; resolve: (reached: boolean) => void; timer: NodeJS.Timeout };
export type BatchListener = (events: StoredEvent[]) => void;

/**
 * Feeds every projection from the store's global order. Each projection keeps its own checkpoint,
 * written in the same transaction as its changes, so a restart resumes exactly where it stopped.
 */
export class ProjectionRunner {
  private readonly handlers: { name: string; apply: (event: StoredEvent) => void; checkpoint: number }[];
  private readonly saveCheckpoint;
  private subscription?: Subscription;
  private processed = 0;
  private waiters: Waiter[] = [];
  private readonly listeners: BatchListener[] = [];
  private failure?: unknown;

  constructor(
    private readonly db: Db,
    private readonly store: EventStore,
    projections: Projection[],
  ) {
    db.exec('CREATE TABLE IF NOT EXISTS checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL)');
    const read = db.prepare('SELECT position FROM checkpoints WHERE projection = ?');
    this.saveCheckpoint = db.prepare(`INSERT INTO checkpoints (projection, position) VALUES (?, ?)
      ON CONFLICT (projection) DO UPDATE SET position = excluded.position`);
    this.handlers = projections.map((p) => ({
      name: p.name,
      apply: p.open(db),
      checkpoint: (read.get(p.name) as { position: number } | undefined)?.position ?? 0,
    }));
    this.processed = Math.min(...this.handlers.map((h) => h.checkpoint));
  }

  /** Subscribes from the oldest checkpoint; resolves once every event stored before the call is projected. */
  async start(): Promise<void> {
    const head = await this.store.headPosition();
    const caughtUp = this.waitFor(head, Number.POSITIVE_INFINITY);
    this.subscription = this.store.subscribeToAll(
      this.processed,
      (events) => this.apply(events),
      (error) => this.fail(error),
    );
    await caughtUp;
    if (this.failure) throw this.failure;
  }

  /** The position every projection has reached. */
  get position(): number {
    return this.processed;
  }

  get healthy(): boolean {
    return this.failure === undefined;
  }

  /** Called after each projected batch (process managers react to what is now visible). */
  onBatch(listener: BatchListener): void {
    this.listeners.push(listener);
  }

  /** Resolves true once the read models include `position`, false after `timeoutMs`. */
  waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (this.processed >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = Number.isFinite(timeoutMs) ? setTimeout(() => this.settle(waiter, false), timeoutMs) : (undefined as never);
      const waiter: Waiter = { position, resolve, timer };
      this.waiters.push(waiter);
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    for (const waiter of [...this.waiters]) this.settle(waiter, false);
  }

  private apply(events: StoredEvent[]): void {
    this.db.transaction(() => {
      for (const handler of this.handlers) {
        for (const event of events) if (event.position > handler.checkpoint) handler.apply(event);
        handler.checkpoint = Math.max(handler.checkpoint, events[events.length - 1].position);
        this.saveCheckpoint.run(handler.name, handler.checkpoint);
      }
    })();
    this.processed = events[events.length - 1].position;
    for (const waiter of this.waiters.filter((w) => w.position <= this.processed)) this.settle(waiter, true);
    for (const listener of this.listeners) listener(events);
  }

  private fail(error: unknown): void {
    this.failure = error;
    for (const waiter of [...this.waiters]) this.settle(waiter, false);
  }

  private settle(waiter: Waiter, reached: boolean): void {
    clearTimeout(waiter.timer);
    this.waiters = this.waiters.filter((w) => w !== waiter);
    waiter.resolve(reached);
  }
}
