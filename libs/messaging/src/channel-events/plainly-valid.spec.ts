import { parseDeclaratively } from './parse-channel-event';
import { plainlyValid } from './plainly-valid';

const envelope = (type: string, payload: unknown, extra: Record<string, unknown> = {}) => ({
  eventId: 'e-1',
  type,
  conversationId: 'c-1',
  occurredAt: '2026-11-21T10:00:00Z',
  payload,
  ...extra,
});
const requested = (customer: unknown = { id: 'cust-1', authenticated: true }, extra = {}) =>
  envelope('conversation.requested', { channel: 'live_chat', workstreamId: 'ws', queueId: 'q', customer, ...extra });

/** What a channel adapter usually sends: the fast check must take these itself. */
const USUAL = [
  requested(),
  requested({ id: 'cust-1', authenticated: false }),
  envelope('customer.message', { text: 'hello' }),
  envelope('customer.message', { text: 'x'.repeat(20_000) }),
  envelope('customer.ended', {}),
  envelope('customer.disconnected', {}),
  envelope('customer.reconnected', { extra: 1 }),
  envelope('agent.disconnected', { agentId: 'a-1' }),
  envelope('agent.reconnected', { agentId: 'a:1.x_y-z' }),
  envelope('customer.message', { text: 'hi' }, { occurredAt: '2026-11-21T10:00:00.123Z' }),
  envelope('customer.message', { text: 'hi' }, { occurredAt: '2024-02-29T23:59:59+01:00' }),
  envelope('customer.message', { text: 'hi' }, { eventId: 'e'.repeat(128), unknownField: true }),
];

/** Edge and wrong inputs: whatever the fast check accepts, the declarative rules must accept too. */
const EDGES = [
  undefined,
  null,
  [],
  'text',
  {},
  envelope('nope', {}),
  envelope('customer.message', { text: '' }),
  envelope('customer.message', { text: '\uFE0F' }),
  envelope('customer.message', { text: 'x'.repeat(20_001) }),
  envelope('customer.message', { text: 42 }),
  envelope('customer.message', null),
  envelope('customer.message', []),
  envelope('customer.message', { text: 'hi' }, { eventId: '' }),
  envelope('customer.message', { text: 'hi' }, { eventId: 'e'.repeat(129) }),
  envelope('customer.message', { text: 'hi' }, { eventId: '\uFE0E' }),
  envelope('customer.message', { text: 'hi' }, { conversationId: 'has space' }),
  envelope('customer.message', { text: 'hi' }, { occurredAt: '2026-02-29T10:00:00Z' }),
  envelope('customer.message', { text: 'hi' }, { occurredAt: '2026-13-01T10:00:00Z' }),
  envelope('customer.message', { text: 'hi' }, { occurredAt: '2026-00-10T10:00:00Z' }),
  envelope('customer.message', { text: 'hi' }, { occurredAt: '2026-04-31T10:00:00Z' }),
  envelope('customer.message', { text: 'hi' }, { occurredAt: '2026-11-21T24:00:00Z' }),
  envelope('customer.message', { text: 'hi' }, { occurredAt: '0050-01-01T10:00:00Z' }),
  envelope('customer.message', { text: 'hi' }, { occurredAt: '2026-11-21' }),
  envelope('customer.message', { text: 'hi' }, { occurredAt: '2026-11-21 10:00:00Z' }),
  envelope('customer.message', { text: 'hi' }, { occurredAt: 'yesterday' }),
  envelope('customer.message', { text: 'hi' }, { occurredAt: 1_700_000_000 }),
  requested(null),
  requested({ id: 'cust-1' }),
  requested({ id: 'cust-1', authenticated: 'yes' }),
  requested({ id: '', authenticated: true }),
  requested(undefined, { channel: 'fax' }),
  requested(undefined, { queueId: 7 }),
  envelope('agent.disconnected', {}),
  envelope('agent.disconnected', { agentId: 'a/1' }),
  envelope('voice.transferred', { byAgentId: 'a-1', toQueueId: 'q-2' }),
  envelope('voice.transferred', { byAgentId: 'a-1', toQueueId: 'q-2', toAgentId: 'a-2' }),
];

describe('the fast channel-event check', () => {
  it.each(USUAL.map((input) => [JSON.stringify(input).slice(0, 90), input]))(
    'takes the usual valid event itself: %s',
    (_, input) => {
      expect(plainlyValid(input)).toBe(true);
      expect(parseDeclaratively(input)).toMatchObject({ ok: true });
    },
  );

  it.each(EDGES.map((input) => [JSON.stringify(input)?.slice(0, 90), input]))(
    'never accepts what the declarative rules refuse: %s',
    (_, input) => {
      const verdicts = { fast: plainlyValid(input), declarative: parseDeclaratively(input).ok };
      expect(verdicts).not.toEqual({ fast: true, declarative: false });
    },
  );

  it('refuses each wrong edge case (the declarative rules then name the problem)', () => {
    const refused = EDGES.filter((input) => !parseDeclaratively(input).ok);
    expect(refused.filter(plainlyValid)).toEqual([]);
    expect(refused.length).toBeGreaterThan(25);
  });
});
