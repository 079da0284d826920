import 'reflect-metadata';
import { DomainError } from '#domain';
import { readChannelEvent, rejectionOf } from './rejection';

const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

const valid = {
  eventId: 'e-1',
  type: 'customer.message',
  conversationId: 'c-1',
  occurredAt: '2026-11-21T10:00:00Z',
  payload: { text: 'hello' },
};

describe('readChannelEvent', () => {
  it('reads a valid channel event', () => {
    const read = readChannelEvent(bytes(valid));
    expect(read).toEqual({ ok: true, event: valid });
  });

  it.each([
    ['a null value', null, /empty/],
    ['an empty value', Buffer.alloc(0), /empty/],
    ['bytes that are not JSON', bytes('{"eventId": '), /not valid JSON/],
    ['a JSON array', bytes([valid]), /JSON object/],
    ['a JSON string', bytes('"customer.message"'), /JSON object/],
  ])('calls %s malformed, naming the value', (_, value, reason) => {
    const read = readChannelEvent(value);
    expect(read.ok).toBe(false);
    if (!read.ok)
      expect(read.rejection).toMatchObject({
        kind: 'malformed',
        field: 'value',
        reason: expect.stringMatching(reason),
      });
  });

  it('calls a type outside the contract unknown_type, naming it', () => {
    const read = readChannelEvent(bytes({ ...valid, type: 'customer.sneezed' }));
    expect(read.ok).toBe(false);
    if (!read.ok)
      expect(read.rejection).toMatchObject({
        kind: 'unknown_type',
        field: 'type',
        reason: expect.stringContaining("'customer.sneezed'"),
      });
  });

  it.each([
    ['occurredAt', { ...valid, occurredAt: 'yesterday' }],
    ['payload.text', { ...valid, payload: { text: '' } }],
    ['conversationId', { ...valid, conversationId: 'not an id!' }],
    ['type', { ...valid, type: 42 }],
    [
      'payload',
      { ...valid, type: 'voice.transferred', payload: { byAgentId: 'a-1', toAgentId: 'a-2', toQueueId: 'q-1' } },
    ],
  ])('calls an event with a bad %s invalid, naming the field', (field, event) => {
    const read = readChannelEvent(bytes(event));
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.rejection.kind).toBe('invalid');
      expect(read.rejection.field).toBe(field);
      expect(read.rejection.reason).toContain(field);
    }
  });
});

describe('rejectionOf', () => {
  it('keeps the domain error kind, message, field and status reason', () => {
    expect(
      rejectionOf(
        new DomainError('not_allowed', "cannot transfer conversation 'c': its status reason is 'open'", 'open'),
      ),
    ).toEqual({
      kind: 'not_allowed',
      reason: "cannot transfer conversation 'c': its status reason is 'open'",
      statusReason: 'open',
    });
    expect(rejectionOf(new DomainError('invalid', 'channel must be voice', undefined, 'channel'))).toEqual({
      kind: 'invalid',
      reason: 'channel must be voice',
      field: 'channel',
    });
  });
});
