import { EventMetadata, StoredEvent } from '../port';

/** Column list shared by every read, in the order of `EventRow`'s indexes (rows are read as arrays). */
export const EVENT_COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata, recorded_at';

/** A row as `.raw()` returns it: arrays skip building an object with named keys per row. */
export type EventRow = [
  position: number,
  streamId: string,
  revision: number,
  eventId: string,
  type: string,
  data: string,
  metadata: string,
  recordedAt: string,
];

/**
 * `data` and `metadata` are parsed on first access: subscribers routinely skip most event types,
 * and parsing dominates read cost. They are own enumerable accessors (not prototype getters) so
 * spreading, JSON.stringify, structuredClone and deep-equality see them like plain properties;
 * the setters keep them assignable like plain properties too. `rawData` is not enumerable, so a copy
 * (which may replace `data`) never carries a stale text, and it is dropped when `data` is assigned.
 */
export function toStoredEvent(row: EventRow): StoredEvent {
  let data: Record<string, unknown> | undefined;
  let metadata: EventMetadata | undefined;
  let rawData: string | undefined = row[5];
  const event: StoredEvent = {
    streamId: row[1],
    revision: row[2],
    position: row[0],
    eventId: row[3],
    type: row[4],
    get data(): Record<string, unknown> {
      return (data ??= JSON.parse(row[5]) as Record<string, unknown>);
    },
    set data(value: Record<string, unknown>) {
      data = value;
      rawData = undefined;
    },
    get metadata(): EventMetadata {
      return (metadata ??= JSON.parse(row[6]) as EventMetadata);
    },
    set metadata(value: EventMetadata) {
      metadata = value;
    },
    recordedAt: row[7],
  };
  return Object.defineProperty(event, 'rawData', { get: () => rawData });
}

/**
 * A row with `data` and `metadata` parsed at once, as plain properties: for a reader of every event (a replay),
 * where the lazy accessors' closures and property definitions cost more than the parse they defer.
 */
export const toParsedStoredEvent = (row: EventRow): StoredEvent => ({
  streamId: row[1],
  revision: row[2],
  position: row[0],
  eventId: row[3],
  type: row[4],
  data: JSON.parse(row[5]) as Record<string, unknown>,
  metadata: JSON.parse(row[6]) as EventMetadata,
  recordedAt: row[7],
});
