/**
 * The event store port. The domain and the application only ever talk to this interface;
 * the embedded (SQLite) and EventStoreDB adapters implement it and pass the same contract suite.
 */

/** Optimistic concurrency: the revision a stream must be at, or `no_stream` / `any`. */
export type ExpectedRevision = number | 'no_stream' | 'any';

export type ActorKind = 'agent' | 'customer' | 'channel' | 'system';

/**
 * Who caused an event, recorded with every event for the audit trail. Defined here, once: it is metadata the
 * store keeps beside each event, never read by `decide` (a command names its agent itself), and the port
 * depends on nothing, so the domain does not define it.
 */
export interface Actor {
  kind: ActorKind;
  id: string;
  /** `supervisor` when a supervisor ordered it (issue 21): the contract's kinds have none for them. */
  role?: 'supervisor';
}

export interface EventMetadata {
  actor: Actor;
  /** The channel event (`eventId`) or command id that caused this event, when there was one. */
  causationId?: string;
  /** When the cause happened (the channel event's `occurredAt`, or the clock's now). */
  occurredAt: string;
  schemaVersion: number;
  /** Free-form extras (e.g. the status reason after a conversation event). */
  [key: string]: unknown;
}

export interface NewEvent {
  /** Unique id of the event (a UUID). */
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

export interface StoredEvent {
  streamId: string;
  /** 0-based revision of the event within its stream. */
  revision: number;
  /** Global, strictly increasing position in the store (not necessarily dense). */
  position: number;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  /** When the store recorded the event (ISO-8601 UTC). */
  recordedAt: string;
  /**
   * `data` as the JSON text the store holds (`JSON.stringify(data)`), when an adapter has it at hand: a consumer
   * that writes the data out again (the audit) saves a parse and a serialisation. Optional: an adapter may omit
   * it, and it is absent once `data` is replaced or the event copied (it is not enumerable).
   */
  readonly rawData?: string;
}

export interface AppendRequest {
  streamId: string;
  expectedRevision: ExpectedRevision;
  events: NewEvent[];
}

export interface AppendResult {
  /** Position of the last event written. */
  position: number;
  /** The revision each written stream is at afterwards. */
  revisions: Record<string, number>;
}

export interface Subscription {
  /** Stops delivery; resolves once no handler call is in flight. */
  stop(): Promise<void>;
}

/** Delivers events in global order, in batches; the next batch waits for the handler's promise. */
export type BatchHandler = (events: StoredEvent[]) => Promise<void> | void;

export interface EventStore {
  /**
   * Appends to one or more streams atomically: either every request's expected revision holds
   * and all events are written, or nothing is written and `WrongExpectedRevisionError` is thrown.
   */
  append(requests: AppendRequest[]): Promise<AppendResult>;
  /**
   * Events of one stream from `fromRevision` (inclusive), oldest first, at most `maxCount` of them (all when
   * omitted); `[]` for an unknown stream.
   */
  readStream(streamId: string, fromRevision?: number, maxCount?: number): Promise<StoredEvent[]>;
  /** The newest event of one stream, or `undefined` for an unknown stream: one read, however long the stream. */
  readLastEvent(streamId: string): Promise<StoredEvent | undefined>;
  /** Up to `maxCount` events with a position strictly greater than `afterPosition`, in global order. */
  readAll(afterPosition: number, maxCount: number): Promise<StoredEvent[]>;
  /**
   * The same events as `readAll`, with `data` and `metadata` already parsed into plain properties: for a reader
   * that uses every event (a replay), where parsing on first access only adds its bookkeeping. Optional: a reader
   * falls back to `readAll` where an adapter has nothing cheaper (EventStoreDB, PostgreSQL).
   */
  readAllParsed?(afterPosition: number, maxCount: number): Promise<StoredEvent[]>;
  /** The position of the newest event, or 0 for an empty store. */
  headPosition(): Promise<number>;
  /** Catch-up then live delivery of every event after `afterPosition`, in global order. */
  subscribeToAll(afterPosition: number, handler: BatchHandler, onError?: (error: unknown) => void): Subscription;
  close(): Promise<void>;
  /**
   * True when appends commit in the order they are made and no other process writes (the embedded store): an
   * append decided on another not yet durable may then be sent at once, since it lands after it or fails with it.
   * Elsewhere it waits for the one it builds on (StreamCache.append), or another writer could fill the gap.
   */
  readonly appendsInOrder?: boolean;
  /** Adapters to a server report whether it is reachable (for /health); an embedded store has no such state. */
  health?(): { healthy: boolean; detail?: string };
}

/** The optimistic concurrency check failed; nothing was written. */
export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId} is at revision ${actual}, expected ${expected}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** The store could not be reached; the caller may retry. */
export class EventStoreUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'EventStoreUnavailableError';
  }
}
