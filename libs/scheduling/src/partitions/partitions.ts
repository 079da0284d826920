/** How many partitions conversations are hashed to: fixed, so every instance agrees on who owns what. */
export const PARTITION_COUNT = 64;

/** FNV-1a over the id's UTF-16 code units: stable across processes and releases. */
export const partitionOf = (conversationId: string, count = PARTITION_COUNT): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < conversationId.length; i++) {
    hash ^= conversationId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
};

/**
 * Which conversations this instance's process managers (timers, distribution) act on: those hashed to the
 * partitions it owns. Today one instance owns them all; several instances would each own a share, so no
 * conversation is timed or routed by two of them (and if they ever overlap, the store still decides).
 */
export class Ownership {
  private readonly owned: ReadonlySet<number>;
  readonly ownsAll: boolean;

  constructor(
    owned: Iterable<number> = Array.from({ length: PARTITION_COUNT }, (_, i) => i),
    readonly count = PARTITION_COUNT,
  ) {
    this.owned = new Set(owned);
    this.ownsAll = this.owned.size === this.count;
  }

  owns(conversationId: string): boolean {
    return this.ownsAll || this.owned.has(partitionOf(conversationId, this.count));
  }
}

/** One instance owning every partition (a single process). */
export const OWN_ALL = new Ownership();
