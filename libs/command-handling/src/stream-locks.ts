/**
 * In-process mutual exclusion per stream, so commands of one process never race each other on a stream and
 * optimistic concurrency only decides between processes. FIFO per stream; a command takes all its streams at
 * once, in sorted order, and nothing takes a lock while holding one, so no cycle of waits can form.
 * Only streams someone holds or waits for have an entry: the map is bounded by the commands in flight.
 */
export class StreamLocks {
  /** Held streams, each with the wake-ups of those waiting for it, oldest first. */
  private readonly held = new Map<string, (() => void)[]>();

  /**
   * Runs `work` holding every stream it touches: first the streams `guess` names, then, once they are held,
   * `streams` is asked: when it names more (the guess was stale, or another command changed who holds a
   * conversation's capacity meanwhile), the locks are released and taken again for the union, so `work` never
   * runs with a stream it touches unlocked. `work` may hand the streams over before it ends (`handOver`):
   * they are released then instead.
   */
  async serialise<T>(
    guess: string[],
    streams: () => Promise<string[]> | string[],
    work: (handOver: () => void) => Promise<T>,
  ): Promise<T> {
    let wanted = new Set(guess);
    for (;;) {
      const taken = [...wanted].sort();
      await this.acquire(taken);
      let held = true;
      const handOver = () => {
        if (held) this.release(taken);
        held = false;
      };
      let missing: string[];
      try {
        missing = (await streams()).filter((stream) => !wanted.has(stream));
        if (missing.length === 0) return await work(handOver);
      } finally {
        handOver();
      }
      wanted = new Set([...wanted, ...missing]);
    }
  }

  /** Streams currently held or waited for (for tests and metrics). */
  get size(): number {
    return this.held.size;
  }

  private async acquire(sorted: string[]): Promise<void> {
    for (const stream of sorted) {
      const waiters = this.held.get(stream);
      if (!waiters) this.held.set(stream, []);
      else await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }

  private release(streams: string[]): void {
    for (const stream of streams) {
      const next = this.held.get(stream)!.shift();
      // Handed straight to the next waiter: the stream stays held, so nobody can slip in between.
      if (next) next();
      else this.held.delete(stream);
    }
  }
}
