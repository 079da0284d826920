import { DomainError } from '#domain';
import { withRetries } from './conflicts';
import { StreamCache } from './stream-cache';

/**
 * The path every command that decides on streams takes (conversations' and agents'): `attempt` takes its
 * streams' locks (`cache.locks.serialise`), loads, decides and appends through the cache, handing the locks over
 * once the append is queued; a lost race with another process (a wrong expected revision) runs `attempt` again,
 * locks included. A refusal may have been decided on appends not durable yet: if one of them failed, the command
 * is decided again on what the store holds.
 */
export const decideInTurn = async <T>(
  cache: StreamCache,
  attempt: () => Promise<T>,
  describe: () => string,
): Promise<T> => {
  for (;;) {
    try {
      return await withRetries(attempt, describe);
    } catch (error) {
      if (error instanceof DomainError && !(await cache.settled())) continue;
      throw error;
    }
  }
};
