import { StreamLocks } from './stream-locks';

/** A promise settled from outside: lets a test hold a lock exactly as long as it wants. */
const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
};

describe('StreamLocks', () => {
  it('runs work on one stream one at a time, in arrival order', async () => {
    const locks = new StreamLocks();
    const log: string[] = [];
    const first = gate();
    const runs = [
      locks.serialise(
        ['s'],
        () => ['s'],
        async () => {
          log.push('1 start');
          await first.opened;
          log.push('1 end');
        },
      ),
      locks.serialise(
        ['s'],
        () => ['s'],
        async () => {
          log.push('2');
        },
      ),
      locks.serialise(
        ['s'],
        () => ['s'],
        async () => {
          log.push('3');
        },
      ),
    ];
    await new Promise(setImmediate);
    expect(log).toEqual(['1 start']);
    first.open();
    await Promise.all(runs);
    expect(log).toEqual(['1 start', '1 end', '2', '3']);
    expect(locks.size).toBe(0);
  });

  it('lets work on different streams run at the same time', async () => {
    const locks = new StreamLocks();
    const held = gate();
    const a = locks.serialise(
      ['a'],
      () => ['a'],
      () => held.opened,
    );
    let bRan = false;
    await locks.serialise(
      ['b'],
      () => ['b'],
      async () => {
        bRan = true;
      },
    );
    expect(bRan).toBe(true);
    held.open();
    await a;
  });

  it('takes overlapping sets in opposite orders without deadlock', async () => {
    const locks = new StreamLocks();
    let inside = 0;
    let most = 0;
    const work = async () => {
      most = Math.max(most, ++inside);
      await new Promise(setImmediate);
      inside--;
    };
    await Promise.all(
      Array.from({ length: 50 }, (_, n) => locks.serialise(n % 2 ? ['x', 'y'] : ['y', 'x'], () => ['x', 'y'], work)),
    );
    expect(most).toBe(1);
    expect(locks.size).toBe(0);
  });

  it('takes the streams again when the set grew while waiting, so the work holds all of them', async () => {
    const locks = new StreamLocks();
    let holder = 'agent-a';
    const transfer = gate();
    const transferring = locks.serialise(
      ['conversation-c', holder],
      () => ['conversation-c', holder],
      async () => {
        await transfer.opened;
        holder = 'agent-b';
      },
    );
    const timer = locks.serialise(
      ['conversation-c', holder],
      () => ['conversation-c', holder],
      async () => {
        // agent-b must be held here: a command on agent-b alone cannot start until this one ends.
        let otherRan = false;
        const other = locks.serialise(
          ['agent-b'],
          () => ['agent-b'],
          async () => {
            otherRan = true;
          },
        );
        await new Promise(setImmediate);
        expect(otherRan).toBe(false);
        return { other };
      },
    );
    transfer.open();
    await transferring;
    const { other } = await timer;
    await other;
    expect(locks.size).toBe(0);
  });

  it('releases the streams when the work fails', async () => {
    const locks = new StreamLocks();
    await expect(
      locks.serialise(
        ['s'],
        () => ['s'],
        async () => {
          throw new Error('refused');
        },
      ),
    ).rejects.toThrow('refused');
    expect(locks.size).toBe(0);
    await expect(
      locks.serialise(
        ['s'],
        () => ['s'],
        async () => 'next',
      ),
    ).resolves.toBe('next');
  });

  it('lets the next command in once the work hands its streams over, before the work ends', async () => {
    const locks = new StreamLocks();
    const durable = gate();
    const log: string[] = [];
    const first = locks.serialise(
      ['s'],
      () => ['s'],
      async (handOver) => {
        log.push('1 queued');
        handOver();
        await durable.opened;
        log.push('1 durable');
      },
    );
    await locks.serialise(
      ['s'],
      () => ['s'],
      async () => {
        log.push('2');
      },
    );
    durable.open();
    await first;
    expect(log).toEqual(['1 queued', '2', '1 durable']);
    expect(locks.size).toBe(0);
  });
});
