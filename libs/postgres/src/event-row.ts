import { EventMetadata, StoredEvent } from '#event-store';
import { SCHEMA } from './schema';

/**
 * Column list shared by every read, in the order of `EventRow` (rows are read as arrays).
 * `recorded_at` is formatted by the server in the port's ISO-8601 form (UTC, milliseconds).
 */
export const EVENT_COLUMNS = `position, stream_id, revision, event_id, type, data, metadata,
  to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
export const EVENTS_TABLE = `${SCHEMA}.events`;

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
 * `data` and `metadata` are parsed on first access (subscribers skip most event types, and parsing
 * dominates read cost), as own enumerable accessors so spreading, JSON.stringify and deep equality
 * see plain properties. `rawData`, the stored JSON text, is not enumerable and is dropped once
 * `data` is assigned, as the port describes.
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
