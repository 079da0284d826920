import { BatchHandler, StoredEvent, Subscription, RetryPolicy, backoffDelay, sleep } from '#event-store';
import { isUnavailable } from './errors';

export interface SubscriptionOptions {
  readAll(afterPosition: number, maxCount: number): Promise<StoredEvent[]>;
  batchSize: number;
  retry: RetryPolicy;
  /** A read failed because the server was away; the subscription retries after a back-off. */
  onUnavailable(error: unknown): void;
  onStopped(subscription: PostgresSubscription): void;
}

/**
 * Delivers every event after a position, catch-up and live alike, by reading the store from the
 * last delivered position whenever it is woken (a notification, our own commit, the fallback
 * poll). One delivery loop at a time; the position moves only after the handler's promise settles,
 * and the store hands out only positions no earlier one can still appear before (docs/postgres.md),
 * so events are neither skipped, duplicated nor reordered. A lost server is waited out: the loop
 * retries from its position with a back-off until it is stopped.
 */
export class PostgresSubscription implements Subscription {
  private stopped = false;
  private looping = false;
  /** Set by a wake-up that came while the loop was reading: the loop reads once more before it ends. */
  private woken = false;
  private loop: Promise<void> = Promise.resolve();
  private requestStop: () => void = () => undefined;
  private readonly stopRequested = new Promise<void>((resolve) => (this.requestStop = resolve));

  constructor(
    private position: number,
    private readonly options: SubscriptionOptions,
    private readonly handler: BatchHandler,
    private readonly onError: ((error: unknown) => void) | undefined,
  ) {}

  wake(): void {
    if (this.stopped) return;
    this.woken = true;
    if (this.looping) return;
    this.looping = true;
    this.loop = this.deliver();
  }

  /** Must not be awaited from inside the handler: it waits for that very handler call. */
  async stop(): Promise<void> {
    this.halt();
    await this.loop;
  }

  private async deliver(): Promise<void> {
    // Never run the handler inside subscribeToAll()'s or a notification's call stack.
    await undefined;
    let retries = 0;
    while (!this.stopped) {
      this.woken = false;
      let batch: StoredEvent[];
      try {
        batch = await this.options.readAll(this.position, this.options.batchSize);
        retries = 0;
      } catch (error) {
        if (this.stopped) break;
        if (!isUnavailable(error)) return this.fail(error);
        this.options.onUnavailable(error);
        await sleep(backoffDelay(this.options.retry, retries++), this.stopRequested);
        continue;
      }
      if (this.stopped) break;
      if (batch.length === 0) {
        if (this.woken) continue;
        this.looping = false;
        return;
      }
      try {
        await this.handler(batch);
      } catch (error) {
        return this.fail(error);
      }
      this.position = batch[batch.length - 1].position;
    }
    this.looping = false;
  }

  private fail(error: unknown): void {
    this.halt();
    this.onError?.(error);
  }

  private halt(): void {
    if (!this.stopped) {
      this.stopped = true;
      this.options.onStopped(this);
    }
    this.requestStop();
  }
}
