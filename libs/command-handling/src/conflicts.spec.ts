import { WrongExpectedRevisionError } from '#event-store';
import { ConcurrencyConflictError, RetryPolicy, withRetries } from './conflicts';

const policy = (pauses: number[]): RetryPolicy => ({
  maxAttempts: 5,
  baseDelayMs: 10,
  maxDelayMs: 50,
  random: () => 0.5,
  sleep: async (ms) => pauses.push(ms),
});

const conflict = () => new WrongExpectedRevisionError('agent-a', 3, 4);

describe('withRetries', () => {
  it('retries a lost race after jittered pauses that double up to the cap', async () => {
    const pauses: number[] = [];
    let attempts = 0;
    const result = await withRetries(
      async () => {
        if (++attempts < 5) throw conflict();
        return 'done';
      },
      () => 'pick',
      policy(pauses),
    );
    expect(result).toBe('done');
    expect(pauses).toEqual([5, 10, 20, 25]);
  });

  it('gives up with a ConcurrencyConflictError after the last attempt', async () => {
    const pauses: number[] = [];
    const failing = withRetries(
      async () => {
        throw conflict();
      },
      () => 'pick on conversation c',
      policy(pauses),
    );
    await expect(failing).rejects.toBeInstanceOf(ConcurrencyConflictError);
    await expect(failing).rejects.toThrow('pick on conversation c: too many concurrent changes, try again');
    expect(pauses).toHaveLength(4);
  });

  it('does not retry any other error', async () => {
    const pauses: number[] = [];
    let attempts = 0;
    await expect(
      withRetries(
        async () => {
          attempts++;
          throw new Error('refused');
        },
        () => 'pick',
        policy(pauses),
      ),
    ).rejects.toThrow('refused');
    expect([attempts, pauses]).toEqual([1, []]);
  });
});
