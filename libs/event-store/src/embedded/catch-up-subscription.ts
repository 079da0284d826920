import { BatchHandler, StoredEvent, Subscription } from '../port';

/**
 * Delivers every event after a position, catch-up and live alike, by re-reading the store from
 * the last delivered position whenever it is woken. There is a single delivery loop at a time
 * and it only moves its position forward after the handler's promise settles, so events can be
 * neither duplicated, reordered nor skipped, whatever appends happen while a handler runs.
 */
export class CatchUpSubscription implements Subscription {
  /** True while a delivery loop is scheduled or running; it re-reads before it ends. */
  private looping = false;
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private position: number,
    private readonly readAll: (afterPosition: number, maxCount: number) => StoredEvent[],
    private readonly batchSize: number,
    private readonly handler: BatchHandler,
    private readonly onError: ((error: unknown) => void) | undefined,
    private readonly onStopped: (subscription: CatchUpSubscription) => void,
  ) {}

  /** Called at start and after every committed append. */
  wake(): void {
    if (this.stopped || this.looping) return;
    this.looping = true;
    this.loop = this.deliver();
  }

  /** Must not be awaited from inside the handler: it waits for that very handler call. */
  async stop(): Promise<void> {
    this.halt();
    await this.loop;
  }

  private async deliver(): Promise<void> {
    // Never run the handler inside append()'s or subscribeToAll()'s call stack.
    await undefined;
    try {
      while (!this.stopped) {
        const batch = this.readAll(this.position, this.batchSize);
        if (batch.length === 0) {
          // Cleared in the same synchronous step as the empty read: an append committed after
          // it finds the loop gone and starts a new one, so no wake-up is lost.
          this.looping = false;
          return;
        }
        await this.handler(batch);
        this.position = batch[batch.length - 1].position;
      }
    } catch (error) {
      this.halt();
      this.onError?.(error);
    }
  }

  private halt(): void {
    this.stopped = true;
    this.onStopped(this);
  }
}
