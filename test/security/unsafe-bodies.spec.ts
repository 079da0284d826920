import { AppProcess, expectStatus, stopAndClean } from '../support/app-process';
import { createQueue, createWorkstream, requested, uniqueId, workstreamBody } from '../support/fixtures';

/** Issue 11 item 5, named cases (the property-based suite throws the rest), and item 3 without settings. */

let app: AppProcess;
beforeAll(async () => {
  app = await AppProcess.start();
});
afterAll(() => stopAndClean(app));

const raw = async (method: string, path: string, text: string) => {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: text,
  });
  return { status: response.status, body: (await response.json()) as { message: string; error: string } };
};

it('answers deeply nested JSON with 400 naming where', async () => {
  const depth = 20_000;
  for (const [method, path] of [
    ['POST', '/channel-events'],
    ['PUT', `/queues/${uniqueId('q')}`],
    ['PUT', `/workstreams/${uniqueId('ws')}`],
    ['POST', `/conversations/${uniqueId('c')}/pick`],
  ]) {
    const response = await raw(method, path, `{"payload":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(response).toEqual({ status: 400, body: expect.objectContaining({ error: 'Bad Request' }) });
    expect(response.body.message).toMatch(/^payload\.0\.0.* is nested deeper than 16 levels$/);
  }
});

it('answers a channel event whose fields hold a constructor key with 400', async () => {
  const queueId = await createQueue(app);
  const workstreamId = await createWorkstream(app);
  const event = requested(uniqueId('conv'), { channel: 'live_chat', workstreamId, queueId });
  const hostile = {
    ...event,
    payload: { ...event.payload, customer: { id: 'c', authenticated: true, constructor: {} } },
  };
  const response = await app.post('/channel-events', hostile);
  expect(response.status).toBe(400);
  expect(response.body.message).toBe('payload.customer.constructor is not an accepted field name');
  expect((await app.get(`/conversations/${event.conversationId}`)).status).toBe(404);
});

it.each([
  ['an array', '[{"name":"x"}]'],
  ['a number', '42'],
  ['null', 'null'],
  ['not JSON', '{"name":'],
])('answers a body that is %s with 400', async (_name, text) => {
  expect((await raw('PUT', `/queues/${uniqueId('q')}`, text)).status).toBe(400);
  expect((await raw('POST', '/channel-events', text)).status).toBe(400);
});

it('answers an unknown command named like an object property with 404', async () => {
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    expect((await app.post(`/conversations/${uniqueId('c')}/${name}`, { agentId: 'a1' })).status).toBe(404);
  }
});

describe('operating hours', () => {
  const hours = (from: string, to: string) => ({
    timeZone: 'Europe/Copenhagen',
    weekly: [{ day: 'mon', from, to }],
  });

  it.each([
    ['17:00', '09:00'],
    ['09:00', '09:00'],
  ])('refuses a window from %s to %s (400 naming it)', async (from, to) => {
    const id = uniqueId('ws');
    const response = await app.put(`/workstreams/${id}`, workstreamBody({ operatingHours: hours(from, to) }));
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('operatingHours.weekly.0.to must be later than from');
  });

  it('takes an overnight shift as two windows, one per day', async () => {
    const operatingHours = {
      timeZone: 'Europe/Copenhagen',
      weekly: [
        { day: 'mon', from: '22:00', to: '24:00' },
        { day: 'tue', from: '00:00', to: '06:00' },
      ],
    };
    expectStatus(await app.put(`/workstreams/${uniqueId('ws')}`, workstreamBody({ operatingHours })), 200);
  });
});

it('without settings listens on loopback and says so in /health', async () => {
  const health = expectStatus(await app.get('/health'), 200);
  expect(health.access).toMatchObject({ authentication: 'none', listening: '127.0.0.1' });
  expect(app.logs).toContain('listening on 127.0.0.1');
});

it.each(['0x10', '1e3', '7a', '-1', '1.5'])('answers X-Min-Position %p with 400, not a wait', async (header) => {
  const response = await app.request('GET', '/conversations', undefined, { 'x-min-position': header });
  expect(response.status).toBe(400);
  expect(response.body.field).toBe('X-Min-Position');
});
