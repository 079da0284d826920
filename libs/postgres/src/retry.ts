/** Exponential back-off with jitter, for calls that failed because the server was unavailable. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Delay before the first retry, in ms; doubles with each further retry. */
  initialDelayMs: number;
  /** Upper bound of one delay, in ms. */
  maxDelayMs: number;
}

/** Reads ride over a short outage (a restart, a fail-over) before giving up with a 503. */
export const DEFAULT_READ_RETRY: RetryPolicy = { attempts: 4, initialDelayMs: 100, maxDelayMs: 1_000 };
/** Subscriptions and the notification listener retry for as long as they are not stopped. */
export const DEFAULT_RECONNECT_RETRY: RetryPolicy = {
  attempts: Number.POSITIVE_INFINITY,
  initialDelayMs: 100,
  maxDelayMs: 2_000,
};

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
