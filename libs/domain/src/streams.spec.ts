import { DomainEvent, streams } from './streams';

/** Every event type the domain writes; the compiler fails this file when one is added or removed. */
const EVENT_TYPES: Record<DomainEvent['type'], true> = {
  'agent.configured': true,
  'agent.presence_changed': true,
  'agent.capacity_held': true,
  'agent.capacity_released': true,
  'conversation.requested': true,
  'conversation.picked': true,
  'conversation.assigned': true,
  'conversation.accepted': true,
  'conversation.assignment_rejected': true,
  'conversation.ended': true,
  'conversation.returned_to_queue': true,
  'conversation.transferred_to_queue': true,
  'conversation.transferred_to_agent': true,
  'conversation.transferred_to_external': true,
  'conversation.parked': true,
  'conversation.resumed': true,
  'conversation.customer_returned': true,
  'conversation.abandoned': true,
  'conversation.closed': true,
  'conversation.wrap_up_block_expired': true,
  'conversation.customer_message': true,
  'conversation.agent_message': true,
  'conversation.customer_left': true,
  'conversation.customer_reconnected': true,
  'conversation.agent_disconnected': true,
  'conversation.agent_reconnected': true,
  'workstream.configured': true,
  'queue.configured': true,
};

/**
 * KurrentDB's multi-stream append sends the event type as the record's schema name, which must match
 * `SchemaNameValidator` (KurrentDB 25.1 `src/KurrentDB.Api.V2/Modules/Streams/Validators/SchemaNameValidator.cs`;
 * 26.1 widens it to Unicode letters and digits). A leading `$` would make it a system event, which
 * `$all` subscriptions filter out.
 */
const SCHEMA_NAME = /^[a-zA-Z0-9_.$:-]+$/;

describe('stream names', () => {
  it('are the kind and the id as it is, `:` included', () => {
    expect(streams.conversation('chat:2026.11-21_a')).toBe('conversation-chat:2026.11-21_a');
    expect(streams.agent('a_b')).toBe('agent-a_b');
  });

  it('keep distinct ids distinct, and kinds apart', () => {
    const ids = ['a:b', 'a_.b', 'a_b', 'a__b', 'a.b', 'a-b', 'a::b', 'a:_b', 'a_:b'];
    const names = [...ids.map(streams.agent), ...ids.map(streams.conversation)];
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('event types', () => {
  it.each(Object.keys(EVENT_TYPES))('%s is a valid KurrentDB schema name and not a system event', (type) => {
    expect(type).toMatch(SCHEMA_NAME);
    expect(type.startsWith('$')).toBe(false);
  });
});
