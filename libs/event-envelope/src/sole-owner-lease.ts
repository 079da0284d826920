/**
 * Issue 19, point 7, on a store without locks (EventStoreDB) and without Kafka: one instance owns every partition
 * and holds a lease kept in this stream (docs/instances.md). Its events are bookkeeping, not domain events:
 * no projection reads them and the outbound topic skips them.
 */
export const SOLE_OWNER_STREAM = 'omnichannel-sole-owner';

export const SOLE_OWNER_EVENTS = {
  /** A new holder: the first claim, a takeover of a lapsed lease, or a claim after a release. */
  claimed: 'sole_owner.claimed',
  renewed: 'sole_owner.renewed',
  /** The holder left (SIGTERM): the next instance may claim at once. */
  released: 'sole_owner.released',
} as const;

export const isSoleOwnerLeaseEvent = (event: { type: string }): boolean => event.type.startsWith('sole_owner.');
