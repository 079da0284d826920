import { DomainError } from '../../domain/src';
import { WrongExpectedRevisionError } from '../../event-store/src';

/** Optimistic concurrency: re-read and decide again; a command that keeps losing the race answers 409. */
export const MAX_ATTEMPTS = 25;

export async function withRetries<T>(attempt: () => Promise<T>, describe: () => string): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (n >= MAX_ATTEMPTS) throw new DomainError('not_allowed', `${describe()}: too many concurrent changes, try again`);
    }
  }
}
