/**
 * How many rows a projection keeps: the conversations (or agents) moving now, in a busy contact centre too; past
 * it, the least recently written are read again.
 */
export const KEPT_ROWS = 20_000;

/**
 * Rows a projection wrote in earlier batches, kept by key so that the next event on one (the next step of a
 * conversation, moments later) skips a SELECT and a JSON parse. The oldest written are dropped past `capacity`.
 * Only for tables the projection alone writes.
 */
export class KeptRows<T> {
  private readonly rows = new Map<string, T>();

  constructor(private readonly capacity = KEPT_ROWS) {}

  get(key: string): T | undefined {
    return this.rows.get(key);
  }

  /** Keeps `row` as the newest written. */
  set(key: string, row: T): void {
    this.rows.delete(key);
    this.rows.set(key, row);
    if (this.rows.size > this.capacity) this.rows.delete(this.rows.keys().next().value!);
  }

  /** Forgets the row of a key whose row was deleted. */
  delete(key: string): void {
    this.rows.delete(key);
  }
}
