import { EventRow } from './event-row';
import { WireAppend, WireWritten } from './writer-protocol';

/**
 * The rows of the latest commits, in position order, as the writer reported them. A subscriber at the head
 * (the projections, right after an append) reads what was just written from here instead of from the file.
 *
 * It holds every event after `coveredAfter` and nothing else: the writer is the store's only one and reports its
 * commits in order, so from the head at start on, each reported commit extends the tail without a gap. A read
 * from further back than the tail holds goes to the file.
 */
export class CommittedTail {
  private rows: EventRow[] = [];

  constructor(
    private coveredAfter: number,
    private readonly capacity: number,
  ) {}

  /** Adds what one successful append wrote; appends must be added in the order they were committed. */
  add(append: WireAppend, written: WireWritten): void {
    let index = 0;
    for (const { streamId, events } of append) {
      for (const [eventId, type, data, metadata] of events) {
        const [position, revision] = written.events[index++];
        this.rows.push([position, streamId, revision, eventId, type, data, metadata, written.recordedAt]);
      }
    }
    if (this.rows.length > 2 * this.capacity) {
      const dropped = this.rows.length - this.capacity;
      this.coveredAfter = this.rows[dropped - 1][0];
      this.rows = this.rows.slice(dropped);
    }
  }

  /**
   * The rows after `position`, at most `maxCount` (all if negative, like SQLite's LIMIT); undefined when the tail
   * no longer holds all of them.
   */
  after(position: number, maxCount: number): EventRow[] | undefined {
    if (position < this.coveredAfter) return undefined;
    let low = 0;
    let high = this.rows.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.rows[middle][0] <= position) low = middle + 1;
      else high = middle;
    }
    return this.rows.slice(low, maxCount < 0 ? undefined : low + maxCount);
  }
}
