import { jsonEvent } from '@kurrent/kurrentdb-client';
import type { EventData, Position, RecordedEvent } from '@kurrent/kurrentdb-client';
import { EventMetadata, NewEvent, StoredEvent } from '#event-store';

/**
 * The one metadata key this adapter writes: the JSON text of the port's `EventMetadata`.
 *
 * `multiStreamAppend` (client 1.3.1) only accepts metadata that is a flat object of string values,
 * because KurrentDB 25.1+ stores it as record *properties*; on a v1 read the server turns those
 * properties back into a JSON object and may add its own `$`-prefixed keys (`$schema.name`, ...).
 * Single-stream appends use the same envelope so every event in the store has one metadata shape.
 */
export const METADATA_KEY = 'omnichannel-metadata';

/** Flat string map: the only metadata shape `multiStreamAppend` accepts. */
export type EncodedMetadata = Record<string, string>;

export function toEventData(event: NewEvent): EventData {
  const metadata: EncodedMetadata = { [METADATA_KEY]: JSON.stringify(event.metadata) };
  return jsonEvent({ id: event.eventId, type: event.type, data: event.data, metadata });
}

/**
 * Port positions are KurrentDB transaction-log positions (byte offsets), taken from the event's
 * *prepare* position, which is always the event record's own offset. Every event appended through
 * the gRPC API (single or multi-stream) is a prepare record flagged as committed, and `$all`
 * reports it with commit == prepare == that offset: unique, and strictly increasing in `$all`
 * order. Only legacy TCP explicit transactions give events a commit position of their own (shared
 * by the whole transaction, prepare positions then not in `$all` order); `fromAll` rejects those
 * instead of handing out positions that would break the port's ordering guarantee.
 */
export function toPortPosition(position: Position, fromAll = false): number {
  if (fromAll && position.prepare !== position.commit) {
    throw new Error(
      `event at commit ${position.commit} / prepare ${position.prepare} was written by a legacy explicit ` +
        'transaction: it has no single numeric position in $all order, which this adapter cannot represent',
    );
  }
  return toSafeNumber(position.prepare, 'log position');
}

/** The reverse of `toPortPosition`: commit == prepare for every event this adapter hands out. */
export function fromPortPosition(position: number): Position {
  if (!Number.isSafeInteger(position) || position < 0) throw new RangeError(`not a store position: ${position}`);
  const value = BigInt(position);
  return { commit: value, prepare: value };
}

export function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${what} ${value} does not fit in a JavaScript number`);
  }
  return Number(value);
}

/** A recorded event as the port's `StoredEvent`; `fromAll` for events read from `$all`. */
export function toStoredEvent(event: RecordedEvent, fromAll: boolean): StoredEvent {
  if (!event.position) {
    throw new Error(`event ${event.id} in ${event.streamId} came without a log position (server older than 22.6?)`);
  }
  return {
    streamId: event.streamId,
    revision: toSafeNumber(event.revision, 'stream revision'),
    position: toPortPosition(event.position, fromAll),
    eventId: event.id,
    type: event.type,
    data: decodeData(event),
    metadata: decodeMetadata(event.metadata),
    recordedAt: event.created.toISOString(),
  };
}

function decodeData(event: RecordedEvent): Record<string, unknown> {
  // The client parses JSON events; anything else (binary, or JSON that is not an object) was not
  // written by this adapter and is surfaced as an empty object rather than failing the whole read.
  return isPlainObject(event.data) ? event.data : {};
}

/**
 * Our envelope when present (and it must then decode to an object); otherwise an event written by
 * someone else, whose JSON-object metadata is passed through as is (and `{}` when it is not one).
 */
export function decodeMetadata(metadata: unknown): EventMetadata {
  if (!isPlainObject(metadata)) return {} as EventMetadata;
  if (!(METADATA_KEY in metadata)) return metadata as EventMetadata;
  const encoded = metadata[METADATA_KEY];
  const decoded: unknown = typeof encoded === 'string' ? JSON.parse(encoded) : undefined;
  if (!isPlainObject(decoded)) throw new Error(`${METADATA_KEY} is not the JSON text of an object`);
  return decoded as EventMetadata;
}

/** How an event read from `$all` is handled: delivered, skipped as another writer's, or skipped as unreadable. */
export type FromAll =
  | { kind: 'ours'; event: StoredEvent }
  | { kind: 'foreign' }
  | { kind: 'unreadable'; streamId: string; eventId: string; type: string; reason: string };

/** An event `$all` readers and subscriptions leave out. */
export type SkippedEvent = Exclude<FromAll, { kind: 'ours' }>;

/**
 * `$all` holds whatever any writer put in the database; only events carrying our metadata
 * envelope are ours. System events (`$` types) and other writers' events are skipped. One of ours
 * that cannot be mapped (a malformed envelope, a position that is not one number: a legacy TCP
 * transaction's, or 2^64 − 1 when the server does not know it) is skipped too, and reported, so
 * that one bad record never stops the projections.
 */
export function readFromAll(recorded: RecordedEvent): FromAll {
  if (recorded.type.startsWith('$')) return { kind: 'foreign' };
  if (!isPlainObject(recorded.metadata) || !(METADATA_KEY in recorded.metadata)) return { kind: 'foreign' };
  try {
    return { kind: 'ours', event: toStoredEvent(recorded, true) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: 'unreadable', streamId: recorded.streamId, eventId: recorded.id, type: recorded.type, reason };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
