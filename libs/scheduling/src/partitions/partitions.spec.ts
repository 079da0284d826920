import { Ownership, PARTITION_COUNT, partitionOf } from './partitions';

describe('partitions', () => {
  const ids = Array.from({ length: 10_000 }, (_, i) => `conversation-${i}`);

  it('a conversation always hashes to the same partition, within range', () => {
    for (const id of ids.slice(0, 100)) {
      expect(partitionOf(id)).toBe(partitionOf(id));
      expect(partitionOf(id)).toBeGreaterThanOrEqual(0);
      expect(partitionOf(id)).toBeLessThan(PARTITION_COUNT);
    }
    expect(partitionOf('c1', 64)).toBe(partitionOf('c1'));
  });

  it('spreads conversations over every partition', () => {
    const sizes = new Map<number, number>();
    for (const id of ids) sizes.set(partitionOf(id), (sizes.get(partitionOf(id)) ?? 0) + 1);
    expect(sizes.size).toBe(PARTITION_COUNT);
    expect(Math.min(...sizes.values())).toBeGreaterThan(10_000 / PARTITION_COUNT / 2);
  });

  it('instances owning disjoint shares own each conversation exactly once', () => {
    const even = new Ownership(Array.from({ length: 32 }, (_, i) => i * 2));
    const odd = new Ownership(Array.from({ length: 32 }, (_, i) => i * 2 + 1));
    for (const id of ids) expect(Number(even.owns(id)) + Number(odd.owns(id))).toBe(1);
    expect(ids.filter((id) => even.owns(id)).length).toBeGreaterThan(4000);
  });

  it('by default one instance owns everything', () => {
    expect(new Ownership().ownsAll).toBe(true);
    expect(ids.every((id) => new Ownership().owns(id))).toBe(true);
  });
});

describe('ownership that moves', () => {
  it('tells its listeners what was gained and lost, and owns by the new share at once', () => {
    const ownership = new Ownership([]);
    const changes: unknown[] = [];
    ownership.onChange((change) => changes.push(change));
    const id = 'conversation-7';
    expect(ownership.owns(id)).toBe(false);
    ownership.assign([partitionOf(id), 1, 2]);
    expect(ownership.owns(id)).toBe(true);
    ownership.assign([1, 3]);
    expect(ownership.owns(id)).toBe(partitionOf(id) === 1 || partitionOf(id) === 3);
    ownership.assign([3, 1]);
    expect(changes).toEqual([
      { gained: [...new Set([partitionOf(id), 1, 2])].sort((a, b) => a - b), lost: [] },
      {
        gained: [3],
        lost: [partitionOf(id), 2].filter((p) => p !== 1 && p !== 3).sort((a, b) => a - b),
      },
    ]);
    expect(ownership.partitions).toEqual([1, 3]);
  });
});
