/** How many partitions conversations and queues are hashed to: fixed, so every instance agrees on who owns what. */
export const PARTITION_COUNT = 64;

/** FNV-1a over the id's UTF-16 code units: stable across processes and releases. */
export const partitionOf = (id: string, count = PARTITION_COUNT): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
};

const every = (count: number) => Array.from({ length: count }, (_, i) => i);

/** What moved in one change of ownership. */
export interface OwnershipChange {
  gained: number[];
  lost: number[];
}

/**
 * Which work this instance's process managers act on: timers of the conversations, and the push distribution of
 * the queues, hashed to the partitions it owns. One process alone owns them all; with several, Kafka's consumer
 * group shares them out and `assign` follows each rebalance (docs/instances.md). If two instances ever overlap
 * (one has not heard yet that it lost a partition), the store still decides: every decision is appended with
 * expected revisions.
 */
export class Ownership {
  private owned: ReadonlySet<number>;
  private readonly listeners: ((change: OwnershipChange) => void)[] = [];
  private valid: () => boolean = () => true;

  constructor(
    owned: Iterable<number> = every(PARTITION_COUNT),
    readonly count = PARTITION_COUNT,
  ) {
    this.owned = new Set(owned);
  }

  get ownsAll(): boolean {
    return this.owned.size === this.count;
  }

  /** The partitions owned now, in order. */
  get partitions(): number[] {
    return [...this.owned].sort((a, b) => a - b);
  }

  /** Whether the partition of `id` (a conversation's or a queue's) is owned, and the ownership still holds. */
  owns(id: string): boolean {
    return (this.ownsAll || this.owned.has(partitionOf(id, this.count))) && this.valid();
  }

  /** Owns nothing while `check` says false (a lease that ran out: the partitions may have moved already). */
  guard(check: () => boolean): void {
    this.valid = check;
  }

  ownsPartition(partition: number): boolean {
    return this.owned.has(partition);
  }

  /** Replaces what is owned; listeners hear what was gained and lost (nothing when nothing moved). */
  assign(partitions: Iterable<number>): OwnershipChange {
    const next = new Set(partitions);
    const change = {
      gained: [...next].filter((p) => !this.owned.has(p)).sort((a, b) => a - b),
      lost: [...this.owned].filter((p) => !next.has(p)).sort((a, b) => a - b),
    };
    this.owned = next;
    if (change.gained.length || change.lost.length) for (const listener of this.listeners) listener(change);
    return change;
  }

  onChange(listener: (change: OwnershipChange) => void): void {
    this.listeners.push(listener);
  }
}

/** One instance owning every partition (a single process); never reassigned. */
export const OWN_ALL = new Ownership();
