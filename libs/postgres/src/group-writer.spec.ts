import { GroupWriter, Outcome, WireRequest } from './group-writer';

const request = (s: string): WireRequest[] => [{ s, e: 'any', v: [['id', 'T', '{}', '{}']] }];

/** A `run` that answers each group once the test releases it, recording what it was sent. */
function controlledRun() {
  const groups: string[][] = [];
  const pending: { size: number; answer(outcomes: Outcome[]): void }[] = [];
  const run = (payload: string): Promise<unknown> => {
    const appends = JSON.parse(payload) as WireRequest[][];
    groups.push(appends.map((append) => append[0].s));
    return new Promise((answer) => pending.push({ size: appends.length, answer }));
  };
  const answerNext = (): void => {
    const { size, answer } = pending.shift()!;
    answer(Array.from({ length: size }, (_, n) => ({ p: n + 1, r: { x: n } })));
  };
  return { run, groups, pending, answerNext };
}

describe('GroupWriter', () => {
  it('sends appends submitted together as one group, and those submitted meanwhile as the next', async () => {
    const { run, groups, pending, answerNext } = controlledRun();
    const writer = new GroupWriter({ run, maxGroupSize: 100, onCommitted: () => undefined });

    const first = ['a', 'b', 'c'].map((s) => writer.submit(request(s)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(groups).toEqual([['a', 'b', 'c']]);
    const second = ['d', 'e'].map((s) => writer.submit(request(s)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(groups).toHaveLength(1);

    answerNext();
    expect(await Promise.all(first)).toEqual([
      { p: 1, r: { x: 0 } },
      { p: 2, r: { x: 1 } },
      { p: 3, r: { x: 2 } },
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(groups).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    expect(pending).toHaveLength(1);
    answerNext();
    expect(await Promise.all(second)).toHaveLength(2);
  });

  it('caps a group at maxGroupSize', async () => {
    const { run, groups, answerNext } = controlledRun();
    const writer = new GroupWriter({ run, maxGroupSize: 2, onCommitted: () => undefined });

    const all = ['a', 'b', 'c'].map((s) => writer.submit(request(s)));
    await new Promise((resolve) => setImmediate(resolve));
    answerNext();
    await new Promise((resolve) => setImmediate(resolve));
    answerNext();
    await Promise.all(all);
    expect(groups).toEqual([['a', 'b'], ['c']]);
  });

  it('rejects every append of a group whose round trip failed, and goes on with the next', async () => {
    let calls = 0;
    const failure = new Error('connection lost');
    const writer = new GroupWriter({
      run: async (payload) => {
        calls += 1;
        if (calls === 1) throw failure;
        return (JSON.parse(payload) as unknown[]).map(() => ({ p: 9, r: {} }));
      },
      maxGroupSize: 100,
      onCommitted: () => undefined,
    });

    const lost = [writer.submit(request('a')), writer.submit(request('b'))];
    for (const append of lost) await expect(append).rejects.toBe(failure);
    await expect(writer.submit(request('c'))).resolves.toEqual({ p: 9, r: {} });
  });

  it('tells about a commit only when a group wrote something, and drains', async () => {
    let committed = 0;
    const writer = new GroupWriter({
      run: async (payload) =>
        (JSON.parse(payload) as WireRequest[][]).map((append) => ({ p: 1, r: append[0].v.length ? { x: 0 } : {} })),
      maxGroupSize: 100,
      onCommitted: () => (committed += 1),
    });

    await writer.submit([{ s: 'a', e: 'any', v: [] }]);
    expect(committed).toBe(0);
    const appending = writer.submit(request('a'));
    await writer.drain();
    await appending;
    expect(committed).toBe(1);
  });
});
