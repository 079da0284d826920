import fc from 'fast-check';
import { AppProcess, expectStatus, stopAndClean } from '../support/app-process';
import { AUTH_ENV, as, storeHead, token } from '../support/auth';
import { requested, uniqueId, workstreamBody } from '../support/fixtures';

/**
 * Issue 11, hostile input: random bodies, ids and headers at every endpoint of the running service (with
 * authentication on, so tokens are part of the noise). Never a 5xx; a refused request leaves the store as it was.
 */

let app: AppProcess;
const queueId = uniqueId('queue');
const workstreamId = uniqueId('ws');
const agentId = uniqueId('agent');
const openId = uniqueId('conv');
const activeId = uniqueId('conv');
const route = { channel: 'live_chat' as const, workstreamId, queueId };
let tokens: string[] = [];

beforeAll(async () => {
  app = await AppProcess.start({ env: { ...AUTH_ENV, OMNICHANNEL_TEST_CLOCK: 'manual' } });
  const everything = await token({ roles: ['agent', 'supervisor', 'admin', 'channel'], sub: agentId });
  tokens = [
    everything,
    await token({ roles: ['agent'], sub: agentId }),
    await token({ roles: ['supervisor'], sub: 'sup' }),
    await token({ roles: ['admin'], sub: 'adm' }),
    await token({ roles: ['channel'], sub: 'chan' }),
    await token({ roles: ['supervisor'], expiresIn: -3600 }),
  ];
  const root = as(app, everything);
  expectStatus(await root.put(`/queues/${queueId}`, { name: 'Q' }), 200);
  // Pick distribution: nothing is assigned in the background, so the store moves only when a request moves it.
  expectStatus(await root.put(`/workstreams/${workstreamId}`, workstreamBody({ distribution: 'pick' })), 200);
  expectStatus(await root.put(`/agents/${agentId}`, { name: 'A', capacityUnits: 10, queueIds: [queueId] }), 200);
  expectStatus(await root.put(`/agents/${agentId}/presence`, { status: 'available' }), 200);
  for (const id of [openId, activeId]) expectStatus(await root.post('/channel-events', requested(id, route)), 202);
  expectStatus(await root.post(`/conversations/${activeId}/pick`, { agentId }), 200);
});

afterAll(() => stopAndClean(app));

const COMMANDS = [
  'pick',
  'accept',
  'reject',
  'end',
  'close-session',
  'release',
  'transfer',
  'resume',
  'resolve',
  'messages',
];

/** Known ids (so requests reach the handlers), odd ones, and anything, as a path segment. */
const anId = fc.oneof(
  fc.constantFrom(queueId, agentId, openId, activeId, 'constructor', '__proto__', 'toString', 'x'.repeat(129), '..'),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('%E0%A4%A', '%00', '%2e%2e', '%ZZ', 'a%2Fb'),
);

/** JSON text nested `depth` levels, objects and arrays in turn (built as text: stringify would overflow here too). */
const nested = (depth: number) => {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += i % 2 ? '[' : '{"a":';
    close = (i % 2 ? ']' : '}') + close;
  }
  return `${open}1${close}`;
};

/** Something shaped like what an endpoint takes, with one field replaced by anything. */
const mutated = (base: Record<string, unknown>) =>
  fc
    .tuple(fc.constantFrom(...Object.keys(base), 'constructor', '__proto__', 'extra'), fc.jsonValue())
    .map(([key, value]) => JSON.parse(JSON.stringify({ ...base, [key]: value })) as unknown);

const BASES: Record<string, unknown>[] = [
  workstreamBody({ distribution: 'pick' }) as unknown as Record<string, unknown>,
  {
    ...workstreamBody({ distribution: 'pick' }),
    operatingHours: { timeZone: 'Europe/Copenhagen', weekly: [{ day: 'mon', from: '17:00', to: '09:00' }] },
  },
  { name: 'Q' },
  { name: 'A', capacityUnits: 2, queueIds: [queueId] },
  { status: 'away' },
  { agentId },
  { agentId, toQueueId: queueId, toAgentId: agentId },
  { agentId, text: 'hi' },
  requested(uniqueId('conv'), route) as unknown as Record<string, unknown>,
  { eventId: 'e', type: 'customer.message', conversationId: openId, occurredAt: 'now', payload: { text: 'x' } },
  {
    eventId: 'e2',
    type: 'voice.transferred',
    conversationId: activeId,
    occurredAt: '2026-01-01T00:00:00Z',
    payload: { byAgentId: agentId, constructor: { name: 'x' } },
  },
  { seconds: -1 },
];

/** A body as text: JSON of anything, hostile shapes, or not JSON at all. */
const aBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .constantFrom(...BASES)
    .chain(mutated)
    .map((v) => JSON.stringify(v)),
  fc.integer({ min: 10, max: 5000 }).map(nested),
  fc.integer({ min: 10, max: 5000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.constantFrom('', '{', 'null', '"text"', '{"a":1,}', '\u0000', '{"__proto__":{"polluted":true}}'),
  fc.string({ maxLength: 200 }),
);

const aHeaderSet = fc.record(
  {
    authorization: fc.oneof(
      fc.constantFrom(...[0, 1, 2, 3, 4, 5].map((i) => i)).map((i) => `Bearer ${tokens[i]}`),
      fc.string({ maxLength: 60 }).map((s) => `Bearer ${s.replace(/[\r\n]/g, '')}`),
      fc.constantFrom('Basic YTpi', 'Bearer', 'bearer  x.y.z'),
    ),
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/*',
    ),
    // Malformed, or within the store's head (`HEAD-n`, filled in when sent): a position past the head is
    // read-your-writes waiting for a write (contract), answered 503 after 10 s by design, not hostile input.
    'x-min-position': fc.oneof(
      fc.nat({ max: 20 }).map((n) => `HEAD-${n}`),
      fc.constantFrom('-1', '1e400', '9007199254740993', 'NaN', '', ' 1', '0x10', '1e1', '1.5', 'x'),
    ),
  },
  { requiredKeys: ['authorization'] },
);

const anEndpoint = fc.oneof(
  fc.tuple(fc.constantFrom('workstreams', 'queues', 'agents'), anId).map(([what, id]) => ['PUT', `/${what}/${id}`]),
  anId.map((id) => ['PUT', `/agents/${id}/presence`]),
  fc.tuple(anId, fc.oneof(fc.constantFrom(...COMMANDS), anId)).map(([id, c]) => ['POST', `/conversations/${id}/${c}`]),
  fc.tuple(anId, fc.constantFrom('', '/events', '/transcript')).map(([id, s]) => ['GET', `/conversations/${id}${s}`]),
  fc
    .tuple(fc.constantFrom('statusReason', 'queueId', 'agentId', 'limit', 'cursor'), anId)
    .map(([k, v]) => ['GET', `/conversations?${k}=${v}&${k}=${v}`]),
  anId.map((id) => ['GET', `/agents/${id}/capacity`]),
  anId.map((id) => ['GET', `/queues/${id}/open`]),
  fc.constant(['POST', '/channel-events']),
  fc.constant(['POST', '/test/clock/advance']),
  fc.constant(['GET', '/health']),
  fc.constantFrom('/', '/dashboard/app.js', '/dashboard/..%2Fpackage.json').map((path) => ['GET', path]),
  fc
    .tuple(
      fc.constantFrom('queues', 'queues/history', 'conversations', 'conversations/list', 'agents'),
      fc.constantFrom('queueId', 'agentId', 'status', 'presence', 'limit', 'cursor', 'from', 'to'),
      anId,
    )
    .map(([what, k, v]) => ['GET', `/statistics/${what}?${k}=${v}&${k}=${v}`]),
);

it('never answers 5xx, and a refused request changes nothing in the store', async () => {
  await fc.assert(
    fc.asyncProperty(anEndpoint, aBody, aHeaderSet, async ([method, path], body, headers) => {
      const before = storeHead(app.dataDir);
      const sent: Record<string, string> = { ...headers };
      const minPosition = /^HEAD-(\d+)$/.exec(sent['x-min-position'] ?? '');
      if (minPosition) sent['x-min-position'] = String(Math.max(0, before - Number(minPosition[1])));
      const response = await fetch(`${app.baseUrl}${path}`, {
        method,
        headers: sent,
        body: method === 'GET' ? undefined : body,
      });
      const text = await response.text();
      expect({ status: response.status, text }).toEqual({ status: expect.any(Number), text: expect.any(String) });
      if (response.status >= 500) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
      if (response.status >= 400) {
        expect(storeHead(app.dataDir)).toBe(before);
        expect(JSON.parse(text)).toMatchObject({ statusCode: response.status, error: expect.any(String) });
      }
    }),
    { numRuns: Number(process.env.HOSTILE_RUNS ?? 400), interruptAfterTimeLimit: 60_000 },
  );
  expect(app.running).toBe(true);
}, 90_000);
