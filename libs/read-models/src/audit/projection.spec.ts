/** The audit projection: every event that concerns a conversation, with who caused it, when and why. */
import { DomainEvent } from '#domain';
import { StoredEvent } from '#event-store';
import { Unstamped, available, held, later, picked, requested } from '#domain/testing';
import { ACTOR, project, stored } from '../testing';
import { auditEntry, auditJson, auditProjection } from './projection';

const projected = (...events: Unstamped<DomainEvent>[]) => project(auditProjection, stored(events));

it("a conversation's own events and the capacity it held on an agent, in store order", () => {
  const { query } = projected(...available('a1'), requested('sms'), picked('a1'), held('a1', 2));
  expect(query.auditTrail('c1').map((e) => [e.position, e.streamId, e.type, e.statusReason])).toEqual([
    [3, 'conversation-c1', 'conversation.requested', 'open'],
    [4, 'conversation-c1', 'conversation.picked', 'active'],
    [5, 'agent-a1', 'agent.capacity_held', undefined],
  ]);
});

it('each entry says who, when, the data and the schema version', () => {
  const { query } = projected({ ...requested('sms'), at: later(5) });
  const [entry] = query.auditTrail('c1');
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

it('events about no conversation are not in any trail', () => {
  expect(projected(...available('a1')).rows('SELECT * FROM audit')).toEqual([]);
});

describe("an event with its data's stored JSON text", () => {
  const withRawData = (event: StoredEvent): StoredEvent =>
    Object.defineProperty({ ...event }, 'rawData', { value: JSON.stringify(event.data) });

  it('writes the same entry text as serialising the whole entry, with or without cause and status', () => {
    const [configured, requestedEvent] = stored([...available('a1').slice(0, 1), requested('sms')]);
    const caused = { ...requestedEvent, metadata: { ...requestedEvent.metadata, causationId: 'ce-1' } };
    for (const event of [configured, requestedEvent, caused])
      expect(auditJson(withRawData(event))).toBe(JSON.stringify(auditEntry(event)));
  });

  it('is what the audit row holds', () => {
    const [event] = stored([requested('sms')]);
    const { rows } = project(auditProjection, [withRawData({ ...event, data: { ...event.data, note: 'raw' } })]);
    expect(JSON.parse((rows('SELECT event FROM audit')[0] as { event: string }).event).data).toMatchObject({
      note: 'raw',
    });
  });
});
