import { EventMetadata, StoredEvent } from '../port';

/** Column list shared by every read, aliased to the row shape below. */
export const EVENT_COLUMNS = `position, stream_id AS streamId, revision, event_id AS eventId, type,
  data, metadata, recorded_at AS recordedAt`;

export interface EventRow {
  position: number;
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  data: string;
  metadata: string;
  recordedAt: string;
}

/**
 * `data` and `metadata` are parsed on first access: subscribers routinely skip most event types,
 * and parsing dominates read cost. They are own enumerable accessors (not prototype getters) so
 * spreading, JSON.stringify, structuredClone and deep-equality see them like plain properties;
 * the setters keep them assignable like plain properties too.
 */
export function toStoredEvent(row: EventRow): StoredEvent {
  let data: Record<string, unknown> | undefined;
  let metadata: EventMetadata | undefined;
  return {
    streamId: row.streamId,
    revision: row.revision,
    position: row.position,
    eventId: row.eventId,
    type: row.type,
    get data(): Record<string, unknown> {
      return (data ??= JSON.parse(row.data) as Record<string, unknown>);
    },
    set data(value: Record<string, unknown>) {
      data = value;
    },
    get metadata(): EventMetadata {
      return (metadata ??= JSON.parse(row.metadata) as EventMetadata);
    },
    set metadata(value: EventMetadata) {
      metadata = value;
    },
    recordedAt: row.recordedAt,
  };
}
