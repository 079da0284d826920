import { EventStore, StoredEvent } from '#event-store';
import { Db } from '../database';
import { Projection } from '../projection';
import { ProjectionSet } from '../projection-set';

export interface RebuildProgress {
  events: number;
  position: number;
  seconds: number;
  eventsPerSecond: number;
}

export interface RebuildOptions {
  /** Stop after this event (inclusive); `undefined` = the whole store. */
  until?: (event: StoredEvent) => boolean;
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
}

/** Reads the whole store in global order and applies every projection to `db` (a fresh place). */
export const rebuild = async (
  store: EventStore,
  db: Db,
  projections: Projection[],
  options: RebuildOptions = {},
): Promise<RebuildProgress> => {
  const set = new ProjectionSet(db, projections);
  const batchSize = options.batchSize ?? 10_000;
  const indexes = set.position === 0 ? dropSecondaryIndexes(db) : [];
  const started = performance.now();
  let position = set.position;
  let events = 0;
  // Every event is projected, so the store's eager parse (where it has one) beats parsing on first access.
  const read = store.readAllParsed?.bind(store) ?? store.readAll.bind(store);
  const progress = (): RebuildProgress => {
    const seconds = (performance.now() - started) / 1000;
    return { events, position, seconds, eventsPerSecond: seconds > 0 ? Math.round(events / seconds) : 0 };
  };
  for (;;) {
    const batch = await read(position, batchSize);
    const cut = options.until ? batch.findIndex((e) => !options.until!(e)) : -1;
    const taken = cut >= 0 ? batch.slice(0, cut) : batch;
    set.apply(taken);
    events += taken.length;
    if (taken.length) position = taken[taken.length - 1].position;
    options.onProgress?.(progress());
    if (cut >= 0 || batch.length < batchSize) {
      for (const sql of indexes) db.exec(sql);
      return progress();
    }
  }
};

/**
 * Queries need the secondary indexes, the projections only their primary keys: a fresh place is filled without
 * them and they are built once at the end (a sort), instead of updated row by row all along.
 */
const dropSecondaryIndexes = (db: Db): string[] => {
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").all() as {
    name: string;
    sql: string;
  }[];
  for (const { name } of indexes) db.exec(`DROP INDEX "${name}"`);
  return indexes.map(({ sql }) => sql);
};
