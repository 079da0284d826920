import { DomainError } from '#domain';
import { DEFAULT_RETRY_POLICY, RetryPolicy, withRetries } from './conflicts';
import { StreamCache } from './stream-cache';

/**
 * The path every command that decides on streams takes (conversations' and agents'): `attempt` takes its
 * streams' locks (`cache.locks.serialise`), loads, decides and appends through the cache, handing the locks over
 * once the append is queued; a lost race with another process (a wrong expected revision) runs `attempt` again,
 * locks included. A refusal may have been decided on appends not durable yet: if one of them failed, the command
 * is decided again on what the store holds, and so it is when `reconsider` says the refusal no longer stands.
 */
export const decideInTurn = async <T>(
  cache: StreamCache,
  attempt: () => Promise<T>,
  describe: () => string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  reconsider: () => Promise<boolean> = async () => false,
): Promise<T> => {
  for (;;) {
    try {
      return await withRetries(attempt, describe, policy);
    } catch (error) {
      if (error instanceof DomainError && (!(await cache.settled()) || (await reconsider()))) continue;
      throw error;
    }
  }
};
