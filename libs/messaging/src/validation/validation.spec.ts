import 'reflect-metadata';
import { parseChannelEvent } from '../channel-events/parse-channel-event';
import { MAX_DEPTH, unsafeShape } from './validation';

const deep = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

describe('inputs the transformer cannot take safely', () => {
  it('are refused when nested deeper than the limit, naming where', () => {
    expect(unsafeShape(deep(MAX_DEPTH - 1))).toEqual([]);
    expect(unsafeShape(deep(100_000))).toEqual([
      { field: Array(MAX_DEPTH).fill('a').join('.'), reason: `is nested deeper than ${MAX_DEPTH} levels` },
    ]);
  });

  it.each(['constructor', '__proto__', 'prototype'])('are refused with a %s key anywhere', (key) => {
    const input = JSON.parse(`{"payload":{"list":[{"${key}":{"name":"x"}}]}}`);
    expect(unsafeShape(input)).toEqual([{ field: `payload.list.0.${key}`, reason: 'is not an accepted field name' }]);
  });

  it('a channel event with a constructor key is invalid, not an exception', () => {
    const event = {
      eventId: 'e1',
      type: 'voice.transferred',
      conversationId: 'c1',
      occurredAt: '2026-01-01T00:00:00Z',
      payload: { byAgentId: 'a1', toQueueId: 'q', constructor: { name: 'x' } },
    };
    expect(parseChannelEvent(event)).toEqual({
      ok: false,
      problems: [{ field: 'payload.constructor', reason: 'is not an accepted field name' }],
    });
  });
});

describe('a missing required field', () => {
  it('is reported as required, not by the rules its absent value breaks', () => {
    const event = { eventId: 'e1', type: 'conversation.requested', occurredAt: '2026-01-01T00:00:00Z' };
    expect(parseChannelEvent(event)).toEqual({
      ok: false,
      problems: [
        { field: 'conversationId', reason: 'is required' },
        { field: 'payload', reason: 'is required' },
      ],
    });
  });

  it('inside the payload is named by its path', () => {
    const event = {
      eventId: 'e1',
      type: 'conversation.requested',
      conversationId: 'c1',
      occurredAt: '2026-01-01T00:00:00Z',
      payload: { channel: 'live_chat', queueId: 'q1', customer: { id: 'u1', authenticated: true } },
    };
    expect(parseChannelEvent(event)).toEqual({
      ok: false,
      problems: [{ field: 'payload.workstreamId', reason: 'is required' }],
    });
  });

  it('that is present but wrong still gets its reasons', () => {
    const event = { eventId: 'e1', type: 'customer.message', conversationId: 'c1', occurredAt: 'yesterday' };
    const parsed = parseChannelEvent({ ...event, payload: { text: 'hi' } });
    expect(parsed).toMatchObject({ ok: false, problems: [{ field: 'occurredAt' }] });
    expect(JSON.stringify(parsed)).not.toContain('is required');
  });
});
