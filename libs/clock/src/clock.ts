/** The one clock every decision and every timer reads. */
export interface Clock {
  /** Now, as an ISO-8601 UTC string. */
  now(): string;
}

export class SystemClock implements Clock {
  now(): string {
    return new Date().toISOString();
  }
}

/** A clock that moves only when told to: `OMNICHANNEL_TEST_CLOCK=manual`. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: string) {
    this.current = Date.parse(start);
  }

  now(): string {
    return new Date(this.current).toISOString();
  }

  advance(seconds: number): string {
    this.current += seconds * 1000;
    return this.now();
  }
}
