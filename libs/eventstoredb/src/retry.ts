import { RetryPolicy } from '#event-store';

export const DEFAULT_READ_RETRY: RetryPolicy = { attempts: 6, initialDelayMs: 100, maxDelayMs: 2_000 };

/** Subscriptions re-subscribe for as long as they are not stopped; only the delay is bounded. */
export const DEFAULT_SUBSCRIPTION_RETRY: RetryPolicy = {
  attempts: Number.POSITIVE_INFINITY,
  initialDelayMs: 200,
  maxDelayMs: 5_000,
};
