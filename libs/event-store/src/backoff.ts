/**
 * Back-off shared by the adapters to a server (EventStoreDB, PostgreSQL): each keeps its own policies, the
 * arithmetic and the interruptible pause are the same.
 */

/** Exponential back-off with jitter, for calls that failed because the server was unavailable. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Delay before the first retry, in ms; doubles with each further retry. */
  initialDelayMs: number;
  /** Upper bound of one delay, in ms. */
  maxDelayMs: number;
}

/** The delay before retry number `retry` (0-based): 50–100 % of the capped exponential value. */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** retry);
  return Math.round(ceiling * (0.5 + Math.random() / 2));
}

/** Resolves after `ms`, or as soon as `interrupted` resolves; never keeps the process alive. */
export function sleep(ms: number, interrupted?: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    void interrupted?.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
