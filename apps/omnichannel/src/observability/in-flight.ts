/** Counts work in flight, so a clean shutdown can wait, for a bounded time, until none is left. */
export class InFlight {
  private count = 0;
  private idle: (() => void)[] = [];

  enter(): void {
    this.count++;
  }

  leave(): void {
    if (--this.count === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Resolves true once nothing is in flight, false after `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean> {
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
