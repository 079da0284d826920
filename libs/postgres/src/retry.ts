import { RetryPolicy } from '#event-store';

/** Reads ride over a short outage (a restart, a fail-over) before giving up with a 503. */
export const DEFAULT_READ_RETRY: RetryPolicy = { attempts: 4, initialDelayMs: 100, maxDelayMs: 1_000 };
/** Subscriptions and the notification listener retry for as long as they are not stopped. */
export const DEFAULT_RECONNECT_RETRY: RetryPolicy = {
  attempts: Number.POSITIVE_INFINITY,
  initialDelayMs: 100,
  maxDelayMs: 2_000,
};
