import { StoredEvent } from '../../event-store/src';

/** Turns one stored shape of an event into the next schema version's shape. */
export type Upcaster = (event: StoredEvent) => StoredEvent;

/** Keyed by `${type}@${schemaVersion}`: each entry lifts that version by one. */
const UPCASTERS: Record<string, Upcaster> = {};

export const upcast = (event: StoredEvent): StoredEvent => {
  let current = event;
  for (let step = UPCASTERS[key(current)]; step; step = UPCASTERS[key(current)]) current = step(current);
  return current;
};

const key = (event: StoredEvent) => `${event.type}@${event.metadata.schemaVersion ?? 1}`;
