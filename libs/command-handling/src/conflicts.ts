import { setTimeout as sleep } from 'node:timers/promises';
import { WrongExpectedRevisionError } from '#event-store';

/**
 * Optimistic concurrency between processes (within one, StreamLocks serialise): re-read and decide again after
 * a jittered, exponentially growing pause, so racing writers spread out instead of colliding again in lockstep.
 */
export interface RetryPolicy {
  maxAttempts: number;
  /** The first pause is at most this long; each further one may be twice as long, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** [0, 1): the jitter (full jitter: the pause is uniform between 0 and the cap). */
  random(): number;
  sleep(ms: number): Promise<unknown>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 12,
  baseDelayMs: 2,
  maxDelayMs: 250,
  random: Math.random,
  sleep,
};

/**
 * The command kept losing races: nothing was decided against the current state, so it is not a refusal
 * (HTTP answers 409 "try again"; the Kafka gateway retries rather than dead-lettering).
 */
export class ConcurrencyConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConcurrencyConflictError';
  }
}

export async function withRetries<T>(
  attempt: () => Promise<T>,
  describe: () => string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (n >= policy.maxAttempts)
        throw new ConcurrencyConflictError(`${describe()}: too many concurrent changes, try again`);
      await policy.sleep(policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1)));
    }
  }
}
