import { StoredEvent } from '#event-store';
import { Db } from './database';

/** How one projection consumes a batch: every event in order, then one flush (inside the batch's transaction). */
export interface ProjectionHandler {
  apply(event: StoredEvent): void;
  /** Writes what `apply` kept in memory for the batch: each row changed by many events is written once. */
  flush?(): void;
}

/** A read model: its tables, and how stored events change them. */
export interface Projection {
  readonly name: string;
  /** Creates the tables if missing; returns the handler bound to prepared statements. */
  open(db: Db): ProjectionHandler;
}
