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
