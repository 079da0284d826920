import { request } from 'node:http';
import { AppProcess, expectStatus, stopAndClean } from '../support/app-process';
import { AUTH_ENV, as, storeHead, token } from '../support/auth';
import { Scenario, channelEvent, conversation, scenario, startConversation, uniqueId } from '../support/fixtures';

/**
 * Issue 22 item 1: no web page can drive the service without authentication (cross-site requests, DNS
 * rebinding), and commands take JSON only, with authentication or without.
 */

interface Raw {
  status: number;
  body: any;
}

/** A request with exactly these headers (fetch would not let a test set Host). */
const raw = (app: AppProcess, method: string, path: string, headers: Record<string, string>, body?: string) =>
  new Promise<Raw>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: app.port, method, path, headers: { ...headers, connection: 'close' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: kept as text
          }
          resolve({ status: res.statusCode!, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });

const hostOf = (app: AppProcess) => `127.0.0.1:${app.port}`;

describe('without authentication', () => {
  let app: AppProcess;
  let s: Scenario;

  beforeAll(async () => {
    app = await AppProcess.start();
    s = await scenario(app, { agents: 1 });
  });
  afterAll(() => stopAndClean(app));

  it('refuses a form post from another web page, and changes nothing', async () => {
    const { conversationId, position } = await startConversation(app, s);
    const head = storeHead(app.dataDir);
    const form = await raw(
      app,
      'POST',
      `/conversations/${conversationId}/pick`,
      {
        host: hostOf(app),
        origin: 'http://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      `agentId=${s.agentIds[0]}`,
    );
    expect(form.status).toBe(403);
    expect(form.body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: expect.stringContaining('evil') });
    expect(storeHead(app.dataDir)).toBe(head);
    expect(await conversation(app, conversationId, position)).toMatchObject({ statusReason: 'open' });
  });

  it.each([
    ['a form', 'application/x-www-form-urlencoded', 'type=customer.message&payload[text]=phish'],
    ['text/plain', 'text/plain', '{"agentId":"a1"}'],
    [
      'multipart',
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
    ],
    ['no content type', undefined, '{"agentId":"a1"}'],
  ])('answers a command with %s body 415, even from its own host and no Origin', async (_name, type, body) => {
    const { conversationId } = await startConversation(app, s);
    const head = storeHead(app.dataDir);
    const headers: Record<string, string> = { host: hostOf(app), ...(type && { 'content-type': type }) };
    const response = await raw(app, 'POST', `/conversations/${conversationId}/pick`, headers, body);
    expect(response.status).toBe(415);
    expect(response.body).toMatchObject({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: expect.stringContaining('application/json'),
    });
    const event = await raw(app, 'POST', '/channel-events', headers, body);
    expect(event.status).toBe(415);
    expect(storeHead(app.dataDir)).toBe(head);
  });

  it.each(['attacker.example', 'attacker.example:3000', '10.0.0.7', '127.0.0.1.attacker.example'])(
    'refuses Host %p (DNS rebinding) before reading anything',
    async (host) => {
      const response = await raw(app, 'GET', '/conversations', { host });
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ statusCode: 403, message: expect.stringContaining('Host') });
      expect((await raw(app, 'GET', '/', { host })).status).toBe(403);
      expect((await raw(app, 'GET', '/statistics/stream', { host })).status).toBe(403);
    },
  );

  it.each(['localhost', 'LOCALHOST:3000', '127.0.0.1', '127.1.2.3:80', '[::1]:3000'])(
    'serves loopback Host %p',
    async (host) => {
      expect((await raw(app, 'GET', '/conversations', { host })).status).toBe(200);
    },
  );

  it('answers probes whatever the Host (an orchestrator sends the address it probes)', async () => {
    expect((await raw(app, 'GET', '/health', { host: '10.1.2.3:3000' })).status).toBe(200);
    expect((await raw(app, 'GET', '/live', { host: '10.1.2.3:3000' })).status).toBe(200);
  });

  it('serves its own page (same origin) and curl (no Origin); refuses another local origin', async () => {
    const { conversationId } = await startConversation(app, s);
    const json = { 'content-type': 'application/json' };
    const body = JSON.stringify({ agentId: s.agentIds[0] });
    const own = { host: hostOf(app), origin: `http://${hostOf(app)}`, ...json };
    expect((await raw(app, 'GET', '/statistics/queues', own)).status).toBe(200);
    const otherPort = { host: hostOf(app), origin: `http://127.0.0.1:${app.port + 1}`, ...json };
    expect((await raw(app, 'POST', `/conversations/${conversationId}/pick`, otherPort, body)).status).toBe(403);
    expect(
      (await raw(app, 'POST', `/conversations/${conversationId}/pick`, { ...own, origin: 'null' }, body)).status,
    ).toBe(403);
    expect((await raw(app, 'POST', `/conversations/${conversationId}/pick`, own, body)).status).toBe(200);
    expect(
      (
        await raw(
          app,
          'POST',
          '/channel-events',
          { host: hostOf(app), ...json },
          JSON.stringify(channelEvent('customer.message', conversationId, { text: 'curl' })),
        )
      ).status,
    ).toBe(202);
  });

  it('serves the names and origins it is told to', async () => {
    const told = await AppProcess.start({
      env: {
        OMNICHANNEL_ALLOWED_HOSTS: 'ops.example, omni.internal',
        OMNICHANNEL_ALLOWED_ORIGINS: 'https://wall.example',
      },
    });
    try {
      expect((await raw(told, 'GET', '/conversations', { host: 'omni.internal:3000' })).status).toBe(200);
      expect((await raw(told, 'GET', '/conversations', { host: 'ops.example' })).status).toBe(200);
      expect((await raw(told, 'GET', '/conversations', { host: 'other.example' })).status).toBe(403);
      const from = (origin: string) => raw(told, 'GET', '/conversations', { host: 'ops.example', origin });
      expect((await from('https://wall.example')).status).toBe(200);
      expect((await from('https://evil.example')).status).toBe(403);
    } finally {
      await stopAndClean(told);
    }
  });
});

describe('with authentication', () => {
  let app: AppProcess;
  beforeAll(async () => {
    app = await AppProcess.start({ env: AUTH_ENV });
  });
  afterAll(() => stopAndClean(app));

  it('takes commands as JSON only', async () => {
    const admin = await token({ roles: ['admin'], sub: 'admin-1' });
    const response = await raw(
      app,
      'PUT',
      `/queues/${uniqueId('q')}`,
      { host: hostOf(app), authorization: `Bearer ${admin}`, 'content-type': 'application/x-www-form-urlencoded' },
      'name=Q',
    );
    expect(response.status).toBe(415);
    expectStatus(await as(app, admin).put(`/queues/${uniqueId('q')}`, { name: 'Q' }), 200);
  });

  it('leaves Host and Origin to the bearer token, which no page gets for free', async () => {
    const supervisor = await token({ roles: ['supervisor'], sub: 'sup-1' });
    const headers = { host: 'omni.example', origin: 'https://wall.example', authorization: `Bearer ${supervisor}` };
    expect((await raw(app, 'GET', '/conversations', headers)).status).toBe(200);
    expect(
      (await raw(app, 'GET', '/conversations', { host: 'omni.example', origin: 'https://evil.example' })).status,
    ).toBe(401);
  });
});
