import { Channel, autoCloseFor } from '#domain';
import { StoredEvent } from '#event-store';

/** Turns one stored shape of an event into the next schema version's shape. */
export type Upcaster = (event: StoredEvent) => StoredEvent;

/** The schema version each event type is written with today (1 where it never changed). */
export const CURRENT_SCHEMA: Record<string, number> = {
  'conversation.requested': 2,
};

export const schemaVersionOf = (type: string): number => CURRENT_SCHEMA[type] ?? 1;

/** Keyed by `${type}@${version}`: each entry lifts that version by one. */
const UPCASTERS: Record<string, Upcaster> = {
  // v1 predates auto-close: its settings had no `autoCloseSeconds`; such a conversation gets its channel's defaults.
  'conversation.requested@1': (event) => {
    const data = event.data as { channel: Channel; settings: Record<string, unknown> };
    return {
      ...event,
      data: { ...event.data, settings: { ...data.settings, autoCloseSeconds: autoCloseFor(data.channel) } },
      metadata: { ...event.metadata, schemaVersion: 2 },
    };
  },
};

const UPCASTED_TYPES = new Set(Object.keys(UPCASTERS).map((k) => k.slice(0, k.lastIndexOf('@'))));

/** Reads any stored version of an event as the current one. */
export const upcast = (event: StoredEvent): StoredEvent => {
  // Most types never changed: they skip building the key (every projected event comes through here).
  if (!UPCASTED_TYPES.has(event.type)) return event;
  let current = event;
  for (let step = UPCASTERS[key(current)]; step; step = UPCASTERS[key(current)]) current = step(current);
  return current;
};

const key = (event: StoredEvent) => `${event.type}@${event.metadata.schemaVersion ?? 1}`;
