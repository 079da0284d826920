/** What each read model declares (the events it reads, its tables) is what it does. */
import Database from 'better-sqlite3';
import { DomainEvent } from '#domain';
import {
  Unstamped,
  accepted,
  agentWrote,
  assigned,
  available,
  customerWrote,
  ended,
  held,
  released,
  requested,
  transferredToAgent,
  workstreamFor,
} from '#domain/testing';
import { toDomainEvent } from '#event-envelope';
import { StoredEvent } from '#event-store';
import { Projection } from './projection';
import { ProjectionSet, readsType } from './projection-set';
import { allProjections } from './read-models';
import { compareReadModels } from './replay/compare';
import { stored } from './testing';

const { id: _id, ...sms } = workstreamFor('sms');
const HISTORY = stored([
  { type: 'workstream.configured', data: { workstreamId: 'ws-sms', ...sms } },
  { type: 'queue.configured', data: { queueId: 'q1', name: 'Sales' } },
  ...available('a1'),
  ...available('a2'),
  requested('sms'),
  assigned('a1'),
  held('a1', 2),
  accepted('a1'),
  customerWrote(),
  agentWrote('a1'),
  transferredToAgent('a1', 'a2'),
  released('a1', 2, 'transferred'),
  held('a2', 2),
  ended('a2'),
] as Unstamped<DomainEvent>[]);

const projectedWith = (events: StoredEvent[]) => {
  const db = new Database(':memory:');
  new ProjectionSet(db, allProjections).apply(events);
  return db;
};

/**
 * One projection's handler given every one of `events` (a set gives it only those it reads), the other
 * projections' tables there and empty (replay compares them all).
 */
const projectedBy = (projection: Projection, events: StoredEvent[]) => {
  const db = new Database(':memory:');
  for (const other of allProjections) if (other !== projection) other.open(db);
  const handler = projection.open(db);
  db.transaction(() => {
    for (const event of events) handler.apply(event, toDomainEvent(event));
    handler.flush?.();
  })();
  return db;
};
const rowCount = (db: Database.Database, tables: string[]) =>
  tables.reduce((n, table) => n + (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n, 0);

it.each(allProjections.map((p) => [p.name, p] as const))('%s changes nothing on events it does not read', (_, p) => {
  const everything = projectedBy(p, HISTORY);
  expect(rowCount(everything, Object.keys(p.tables))).toBeGreaterThan(0);
  const onlyItsOwn = projectedBy(
    p,
    HISTORY.filter((e) => readsType(p.reads, e.type)),
  );
  expect(compareReadModels(everything, onlyItsOwn)).toEqual([]);
});

it('declares every table it creates, each in one read model (replay compares them all)', () => {
  const db = projectedWith(HISTORY);
  const created = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[])
    .map((t) => t.name)
    .filter((name) => name !== 'checkpoints');
  const declared = allProjections.flatMap((p) => Object.keys(p.tables));
  expect(declared.sort()).toEqual(created.sort());
  expect(new Set(declared).size).toBe(declared.length);
});

it('gives the same rows event by event, each batch of a conversation event first rolled back, as all at once', () => {
  const failed = new Set<number>();
  // Last in the set: every other projection has applied the event in memory when the batch fails.
  const failingOnce: Projection = {
    name: 'failing-once',
    reads: ['conversation.*'],
    tables: {},
    open: () => ({
      apply(event) {
        if (failed.has(event.position)) return;
        failed.add(event.position);
        throw new Error('the batch rolls back');
      },
    }),
  };
  const db = new Database(':memory:');
  const set = new ProjectionSet(db, [...allProjections, failingOnce]);
  for (const event of HISTORY) {
    try {
      set.apply([event]);
    } catch {
      set.apply([event]);
    }
  }

  expect(failed.size).toBeGreaterThan(5);
  expect(compareReadModels(projectedWith(HISTORY), db)).toEqual([]);
});
