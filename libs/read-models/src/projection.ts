import { StoredEvent } from '../../event-store/src';
import { Db } from './database';

/** A read model: its tables, and how one stored event changes them (called inside the batch's transaction). */
export interface Projection {
  readonly name: string;
  /** Creates the tables if missing; returns the per-event handler bound to prepared statements. */
  open(db: Db): (event: StoredEvent) => void;
}
