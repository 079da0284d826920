import { DomainEvent } from '#domain';
import { EventStore, StoredEvent } from '#event-store';
import { Db } from './database';

/**
 * How one projection consumes a batch: every event it reads in order, then one flush (inside the batch's
 * transaction). `event` is `stored` as the domain sees it, built once and shared by every projection.
 */
export interface ProjectionHandler {
  apply(stored: StoredEvent, event: DomainEvent): void;
  /** Writes what `apply` kept in memory for the batch: each row changed by many events is written once. */
  flush?(): void;
}

/** A stream family's every event type (`conversation.*`), or one event type the compiler knows. */
export type EventTypePattern = DomainEvent['type'] | `${'conversation' | 'agent' | 'workstream' | 'queue'}.*`;

/** A read model: its tables, and how stored events change them. */
export interface Projection {
  /** Its checkpoint's name: never renamed (a new name replays the whole store into it). */
  readonly name: string;
  /** The event types it reads; its handler ignores every other one. */
  readonly reads: readonly EventTypePattern[];
  /** Its tables and each one's key: what a replay compares row by row. */
  readonly tables: Readonly<Record<string, string>>;
  /** Creates the tables if missing; returns the handler bound to prepared statements. */
  open(db: Db): ProjectionHandler;
}

/**
 * Queries over the read-model database: each prepares its statements once, on tables the projections created.
 * The store is there for read models that keep references to its events (the audit).
 */
export type QueriesClass = new (db: Db, store: EventStore) => object;

/** One read model: its projection and the query classes its readers are given (one per kind of reader). */
export interface ReadModel {
  readonly projection: Projection;
  readonly queries: readonly QueriesClass[];
}
