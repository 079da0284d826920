import Database from 'better-sqlite3';
import { BatchHandler, EventStore } from '#event-store';
import { allProjections } from './read-models';
import { ProjectionRunner } from './projection-runner';
import { stored } from './testing';

/** A store whose subscription delivers exactly the batches the spec hands it. */
const handRolledStore = () => {
  let deliver: BatchHandler = () => undefined;
  const store = {
    headPosition: async () => 0,
    subscribeToAll: (_after: number, handler: BatchHandler) => {
      deliver = handler;
      return { stop: async () => undefined };
    },
  } as unknown as EventStore;
  return { store, deliver: (...args: Parameters<BatchHandler>) => deliver(...args) };
};

describe('ProjectionRunner', () => {
  it('keeps projecting when a batch listener throws, reporting the error', async () => {
    const { store, deliver } = handRolledStore();
    const runner = new ProjectionRunner(new Database(':memory:'), store, allProjections);
    await runner.start();
    const errors: unknown[] = [];
    const seen: number[] = [];
    runner.onBatch(
      () => {
        throw new Error('a reaction failed');
      },
      (error) => errors.push(error),
    );
    runner.onBatch(
      (events) => seen.push(events.length),
      (error) => errors.push(error),
    );
    const [first, second] = stored([
      { type: 'queue.configured', data: { queueId: 'q1', name: 'One' } },
      { type: 'queue.configured', data: { queueId: 'q2', name: 'Two' } },
    ]);

    await deliver([first]);
    await deliver([second]);

    expect(errors.map((error) => (error as Error).message)).toEqual(['a reaction failed', 'a reaction failed']);
    expect(seen).toEqual([1, 1]);
    expect(runner.healthy).toBe(true);
    expect(runner.position).toBe(2);
  });
});
