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
 * A stored event read from PostgreSQL. `data` and `metadata` are parsed at once into plain own
 * properties: measured here, an object with per-instance lazy accessors costs more to build than
 * both parses (and replay parses every event anyway). `rawData`, the stored JSON text, is a
 * prototype getter over private fields, so it is neither an own nor an enumerable property (a copy
 * never carries it), and it is absent once `data` has been replaced, as the port describes.
 */
class PostgresStoredEvent implements StoredEvent {
  readonly #rawData: string;
  readonly #parsedData: Record<string, unknown>;
  streamId: string;
  revision: number;
  position: number;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recordedAt: string;

  constructor(row: EventRow) {
    this.streamId = row[1];
    this.revision = row[2];
    this.position = row[0];
    this.eventId = row[3];
    this.type = row[4];
    this.data = this.#parsedData = JSON.parse(row[5]) as Record<string, unknown>;
    this.metadata = JSON.parse(row[6]) as EventMetadata;
    this.recordedAt = row[7];
    this.#rawData = row[5];
  }

  get rawData(): string | undefined {
    return this.data === this.#parsedData ? this.#rawData : undefined;
  }
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return new PostgresStoredEvent(row);
}
