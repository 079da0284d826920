import { WrongExpectedRevisionError } from '#event-store';

/** Optimistic concurrency: re-read and decide again, up to this many times. */
export const MAX_ATTEMPTS = 25;

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

export async function withRetries<T>(attempt: () => Promise<T>, describe: () => string): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (n >= MAX_ATTEMPTS)
        throw new ConcurrencyConflictError(`${describe()}: too many concurrent changes, try again`);
    }
  }
}
