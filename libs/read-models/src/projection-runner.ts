import { EventStore, StoredEvent, Subscription } from '#event-store';
import { Db } from './database';
import { Projection } from './projection';
import { ProjectionSet } from './projection-set';

type Waiter = { position: number; resolve: (reached: boolean) => void; timer: NodeJS.Timeout };
export type BatchListener = (events: StoredEvent[]) => void;
type Listener = { react: BatchListener; onError: (error: unknown) => void };

/**
 * Feeds the projections from the store's global order, live, from their checkpoints: a restart resumes
 * exactly where it stopped. Queries can wait for a position (read-your-writes).
 */
export class ProjectionRunner {
  private readonly projections: ProjectionSet;
  private subscription?: Subscription;
  private waiters: Waiter[] = [];
  private readonly listeners: Listener[] = [];
  private failure?: unknown;

  constructor(
    db: Db,
    private readonly store: EventStore,
    projections: Projection[],
  ) {
    this.projections = new ProjectionSet(db, projections);
  }

  /** Subscribes from the oldest checkpoint; resolves once every event stored before the call is projected. */
  async start(): Promise<void> {
    const head = await this.store.headPosition();
    const caughtUp = this.waitFor(head, Number.POSITIVE_INFINITY);
    this.subscription = this.store.subscribeToAll(
      this.position,
      (events) => this.apply(events),
      (error) => this.fail(error),
    );
    await caughtUp;
    if (this.failure) throw this.failure;
  }

  /** The position every projection has reached. */
  get position(): number {
    return this.projections.position;
  }

  get healthy(): boolean {
    return this.failure === undefined;
  }

  /**
   * Called after each projected batch (process managers react to what is now visible). A listener that
   * throws is reported to `onError` and the projections go on: the batch is already applied, and a
   * reaction's failure must not freeze every read model.
   */
  onBatch(react: BatchListener, onError: (error: unknown) => void): void {
    this.listeners.push({ react, onError });
  }

  /** Resolves true once the read models include `position`, false after `timeoutMs`. */
  waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (this.position >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => this.settle(waiter, false), timeoutMs)
        : (undefined as never);
      const waiter: Waiter = { position, resolve, timer };
      this.waiters.push(waiter);
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    for (const waiter of [...this.waiters]) this.settle(waiter, false);
  }

  private apply(events: StoredEvent[]): void {
    this.projections.apply(events);
    const reached = this.position;
    for (const waiter of this.waiters.filter((w) => w.position <= reached)) this.settle(waiter, true);
    for (const { react, onError } of this.listeners) {
      try {
        react(events);
      } catch (error) {
        onError(error);
      }
    }
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
