/**
 * How many rows a projection keeps at most: the conversations (or agents) moving now, in a busy contact centre
 * too. Rows written longer ago are read again.
 */
export const KEPT_ROWS = 20_000;

/**
 * Rows a projection wrote in earlier batches, kept by key so that the next event on one (the next step of a
 * conversation, moments later) skips a SELECT and a JSON parse. Only for tables the projection alone writes.
 *
 * Two generations instead of a least-recently-written order: once the newer holds half the capacity, it becomes
 * the older and the older is dropped whole. So at least the last `capacity / 2` rows written are kept, never more
 * than `capacity`, and a write costs one Map set. (Dropping a Map's first key one at a time, once full, cost about
 * 10 µs a write: V8's Map iterator steps over every deleted entry at the front.)
 */
export class KeptRows<T> {
  private newer = new Map<string, T>();
  private older = new Map<string, T>();

  constructor(private readonly capacity = KEPT_ROWS) {}

  get(key: string): T | undefined {
    return this.newer.get(key) ?? this.older.get(key);
  }

  /** Keeps `row` as the newest written. */
  set(key: string, row: T): void {
    this.newer.set(key, row);
    if (this.newer.size >= this.capacity / 2) {
      this.older = this.newer;
      this.newer = new Map();
    }
  }

  /** Forgets the row of a key whose row was deleted. */
  delete(key: string): void {
    this.newer.delete(key);
    this.older.delete(key);
  }
}
