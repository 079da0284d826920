/** Counts work in flight, so a clean shutdown can close the gate and wait, for a bounded time, until none is left. */
export class InFlight {
  private count = 0;
  private idle: (() => void)[] = [];
  private closed = false;

  /** True once `close` was called: new work is turned away. */
  get closing(): boolean {
    return this.closed;
  }

  /** Closes the gate; resolves true once nothing is in flight, false after `timeoutMs`. */
  close(timeoutMs: number): Promise<boolean> {
    this.closed = true;
    return this.settled(timeoutMs);
  }

  enter(): void {
    this.count++;
  }

  leave(): void {
    if (--this.count === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  private settled(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
