import { StoredEvent } from '../port';

/**
 * Records what a subscription delivers and lets a test await a condition on it, woken by each
 * delivery instead of polling, and bounded by a timeout so a lost event fails instead of hanging.
 */
export class EventCollector {
  /** Every delivered event, in delivery order, including other tests' events on a shared store. */
  readonly all: StoredEvent[] = [];
  readonly batches: StoredEvent[][] = [];
  private readonly waiters = new Set<() => void>();

  constructor(private readonly streamIds: ReadonlySet<string>) {}

  /** The delivered events that belong to this test's streams. */
  get mine(): StoredEvent[] {
    return this.all.filter((event) => this.streamIds.has(event.streamId));
  }

  readonly handler = (batch: StoredEvent[]): void => {
    this.batches.push(batch);
    this.all.push(...batch);
    for (const check of this.waiters) check();
  };

  /** Resolves once this test's streams have received at least `count` events. */
  untilMine(count: number, timeoutMs = 5000): Promise<void> {
    return this.until(() => this.mine.length >= count, `${count} events`, timeoutMs);
  }

  until(condition: () => boolean, description: string, timeoutMs = 5000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!condition()) return;
        settle();
        resolve();
      };
      const timer = setTimeout(() => {
        settle();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${description}; got ${this.mine.length}`));
      }, timeoutMs);
      const settle = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }
}
