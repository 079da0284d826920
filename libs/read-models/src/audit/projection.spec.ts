/** The audit projection: every event that concerns a conversation, with who caused it, when and why. */
import Database from 'better-sqlite3';
import { DomainEvent } from '#domain';
import { InMemoryEventStore } from '#event-store/testing';
import { Unstamped, available, held, later, picked, requested } from '#domain/testing';
import { ACTOR, project, stored } from '../testing';
import { auditProjection } from './projection';
import { ProjectionSet } from '../projection-set';

/** The events stored (positions and revisions as `stored` numbers them), then projected from the store. */
const projected = async (...events: Unstamped<DomainEvent>[]) => {
  const store = new InMemoryEventStore();
  for (const { streamId, eventId, type, data, metadata } of stored(events))
    await store.append([{ streamId, expectedRevision: 'any', events: [{ eventId, type, data, metadata }] }]);
  return { store, ...project(auditProjection, await store.readAll(0, events.length), events.length, store) };
};

it("a conversation's own events and the capacity it held on an agent, in store order", async () => {
  const { query } = await projected(...available('a1'), requested('sms'), picked('a1'), held('a1', 2));
  expect((await query.auditTrail('c1')).map((e) => [e.position, e.streamId, e.type, e.statusReason])).toEqual([
    [3, 'conversation-c1', 'conversation.requested', 'open'],
    [4, 'conversation-c1', 'conversation.picked', 'active'],
    [5, 'agent-a1', 'agent.capacity_held', undefined],
  ]);
});

it('each entry says who, when, the data and the schema version', async () => {
  const { query } = await projected({ ...requested('sms'), at: later(5) });
  const [entry] = await query.auditTrail('c1');
  expect(entry).toMatchObject({
    revision: 0,
    actor: ACTOR,
    occurredAt: later(5),
    at: later(5),
    data: { conversationId: 'c1', channel: 'sms' },
    schemaVersion: expect.any(Number),
  });
  expect(entry).not.toHaveProperty('causationId');
});

it('keeps where the events are, not copies of them', async () => {
  const { rows } = await projected(...available('a1'), requested('sms'), held('a1', 2));
  expect(rows('SELECT * FROM audit')).toEqual([
    { position: 3, conversation_id: 'c1', stream_id: null, revision: null },
    { position: 4, conversation_id: 'c1', stream_id: 'agent-a1', revision: 2 },
  ]);
});

it('shows only the events the read model has reached, though the store holds newer ones', async () => {
  const { store, query } = await projected(requested('sms'));
  const [newer] = stored([requested('sms'), picked('a1')]).slice(1);
  await store.append([{ streamId: newer.streamId, expectedRevision: 0, events: [newer] }]);
  expect((await query.auditTrail('c1')).map((e) => e.type)).toEqual(['conversation.requested']);
});

it('events about no conversation are not in any trail', async () => {
  expect((await projected(...available('a1'))).rows('SELECT * FROM audit')).toEqual([]);
});

it('a read-model file that kept copies of the events drops them and projects references from the start', () => {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL);
    INSERT INTO checkpoints VALUES ('audit', 5);
    CREATE TABLE audit (position INTEGER PRIMARY KEY, conversation_id TEXT NOT NULL, event TEXT NOT NULL);
    INSERT INTO audit VALUES (3, 'c1', '{}');`);
  const set = new ProjectionSet(db, [auditProjection]);
  expect(set.position).toBe(0);
  set.apply(stored([requested('sms')]));
  expect(db.prepare('SELECT * FROM audit').all()).toEqual([
    { position: 1, conversation_id: 'c1', stream_id: null, revision: null },
  ]);
});
