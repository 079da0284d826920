import { generateKeyPair } from 'jose';
import { AppProcess, expectStatus, stopAndClean } from '../support/app-process';
import { AUTH_ENV, as, storedActors, token } from '../support/auth';
import { channelEvent, requested, uniqueId, workstreamBody } from '../support/fixtures';

/**
 * Issue 11, with authentication configured (a shared secret): every role against every endpoint, allowed and
 * refused; tokens that prove nothing; an agent acting as another; the principal in the audit trail.
 */

type Who = 'none' | 'noRole' | 'agent' | 'otherAgent' | 'supervisor' | 'admin' | 'channel';
const EVERYONE: Who[] = ['none', 'noRole', 'agent', 'otherAgent', 'supervisor', 'admin', 'channel'];

let app: AppProcess;
const tokens = {} as Record<Who, string | undefined>;
const queueId = uniqueId('queue');
const otherQueueId = uniqueId('queue');
const workstreamId = uniqueId('ws');
const agentId = uniqueId('agent');
const otherAgentId = uniqueId('agent');
/** Picked by `agent`, then sent back to the queue: held, no longer holding. */
const heldId = uniqueId('conv');
/** Picked by `agent` and still held. */
const holdingId = uniqueId('conv');
const route = { channel: 'live_chat' as const, workstreamId, queueId };

beforeAll(async () => {
  app = await AppProcess.start({ env: { ...AUTH_ENV, OMNICHANNEL_TEST_CLOCK: 'manual' } });
  tokens.none = undefined;
  tokens.noRole = await token({ sub: 'nobody' });
  tokens.agent = await token({ roles: ['agent'], sub: agentId });
  tokens.otherAgent = await token({ roles: ['agent'], sub: otherAgentId });
  tokens.supervisor = await token({ roles: ['supervisor'], sub: 'sup-1' });
  tokens.admin = await token({ roles: ['admin'], sub: 'admin-1' });
  tokens.channel = await token({ roles: ['channel'], sub: 'web-chat-adapter' });

  const admin = as(app, tokens.admin);
  expectStatus(await admin.put(`/queues/${queueId}`, { name: 'Q' }), 200);
  expectStatus(await admin.put(`/queues/${otherQueueId}`, { name: 'Other' }), 200);
  expectStatus(await admin.put(`/workstreams/${workstreamId}`, workstreamBody({ capacityUnits: 1 })), 200);
  expectStatus(await admin.put(`/agents/${agentId}`, { name: 'A', capacityUnits: 5, queueIds: [queueId] }), 200);
  expectStatus(
    await admin.put(`/agents/${otherAgentId}`, { name: 'B', capacityUnits: 5, queueIds: [otherQueueId] }),
    200,
  );
  const channel = as(app, tokens.channel);
  const agent = as(app, tokens.agent);
  for (const id of [heldId, holdingId]) {
    expectStatus(await channel.post('/channel-events', requested(id, route)), 202);
    expectStatus(await agent.put(`/agents/${agentId}/presence`, { status: 'available' }), 200);
    expectStatus(await agent.post(`/conversations/${id}/pick`, { agentId }), 200);
  }
  expectStatus(await agent.post(`/conversations/${heldId}/release`, { agentId }), 200);
});

afterAll(() => stopAndClean(app));

interface Case {
  name: string;
  method: string;
  path: () => string;
  body?: () => unknown;
  /** Those who may; everyone else is refused (401 without a token, 403 with one). */
  allowed: Who[];
  /** A request by `who` with this path and body instead (e.g. the agent names its own id). */
  as?: Partial<Record<Who, { path?: string; body?: unknown }>>;
}

const ENDPOINTS: Case[] = [
  {
    name: 'PUT /workstreams/{id}',
    method: 'PUT',
    path: () => `/workstreams/${workstreamId}`,
    body: () => workstreamBody({ capacityUnits: 1 }),
    allowed: ['admin'],
  },
  {
    name: 'PUT /queues/{id}',
    method: 'PUT',
    path: () => `/queues/${queueId}`,
    body: () => ({ name: 'Q' }),
    allowed: ['admin'],
  },
  {
    name: 'PUT /agents/{id}',
    method: 'PUT',
    path: () => `/agents/${agentId}`,
    body: () => ({ name: 'A', capacityUnits: 5, queueIds: [queueId] }),
    allowed: ['admin'],
  },
  {
    name: "PUT /agents/{id}/presence (the agent's own)",
    method: 'PUT',
    path: () => `/agents/${agentId}/presence`,
    body: () => ({ status: 'available' }),
    allowed: ['agent', 'supervisor', 'admin'],
  },
  ...['pick', 'accept', 'reject', 'end', 'close-session', 'release', 'resume', 'resolve'].map((command): Case => ({
    name: `POST /conversations/{id}/${command} (as the agent itself)`,
    method: 'POST',
    path: () => `/conversations/${uniqueId('unknown-conv')}/${command}`,
    body: () => ({ agentId }),
    allowed: ['agent'],
  })),
  {
    name: 'POST /conversations/{id}/transfer',
    method: 'POST',
    path: () => `/conversations/${uniqueId('unknown-conv')}/transfer`,
    body: () => ({ agentId, toQueueId: queueId }),
    allowed: ['agent'],
  },
  {
    name: 'POST /conversations/{id}/messages',
    method: 'POST',
    path: () => `/conversations/${uniqueId('unknown-conv')}/messages`,
    body: () => ({ agentId, text: 'hello' }),
    allowed: ['agent'],
  },
  {
    name: 'GET /conversations/{id} (one the agent holds)',
    method: 'GET',
    path: () => `/conversations/${holdingId}`,
    allowed: ['agent', 'supervisor'],
  },
  {
    name: 'GET /conversations/{id} (one the agent held)',
    method: 'GET',
    path: () => `/conversations/${heldId}`,
    allowed: ['agent', 'supervisor'],
  },
  {
    name: 'GET /conversations/{id}/events',
    method: 'GET',
    path: () => `/conversations/${heldId}/events`,
    allowed: ['agent', 'supervisor'],
  },
  {
    name: 'GET /conversations/{id}/transcript',
    method: 'GET',
    path: () => `/conversations/${holdingId}/transcript`,
    allowed: ['agent', 'supervisor'],
  },
  {
    name: 'GET /conversations?agentId= (its own)',
    method: 'GET',
    path: () => `/conversations?agentId=${agentId}`,
    allowed: ['agent', 'supervisor'],
  },
  { name: 'GET /conversations (everyone’s)', method: 'GET', path: () => '/conversations', allowed: ['supervisor'] },
  {
    name: 'GET /agents/{id}/capacity (its own)',
    method: 'GET',
    path: () => `/agents/${agentId}/capacity`,
    allowed: ['agent', 'supervisor'],
  },
  {
    name: 'GET /queues/{id}/open (a queue the agent is a member of)',
    method: 'GET',
    path: () => `/queues/${queueId}/open`,
    allowed: ['agent', 'supervisor'],
  },
  {
    name: 'POST /channel-events',
    method: 'POST',
    path: () => '/channel-events',
    body: () => channelEvent('customer.message', heldId, { text: 'still there?' }),
    allowed: ['channel'],
  },
  {
    name: 'POST /test/clock/advance',
    method: 'POST',
    path: () => '/test/clock/advance',
    body: () => ({ seconds: 0 }),
    allowed: ['admin'],
  },
  { name: 'GET /health', method: 'GET', path: () => '/health', allowed: EVERYONE },
  // The supervisor's page holds no data: anyone may load it, and it asks for a token (docs/security.md).
  ...['/', '/dashboard/app.js', '/dashboard/app.css'].map((path): Case => ({
    name: `GET ${path}`,
    method: 'GET',
    path: () => path,
    allowed: EVERYONE,
  })),
  // The numbers behind it (README "Supervisor's live view").
  ...[
    '/statistics/queues',
    '/statistics/queues/history',
    '/statistics/conversations',
    '/statistics/conversations/list',
    '/statistics/agents',
  ].map((path): Case => ({ name: `GET ${path}`, method: 'GET', path: () => path, allowed: ['supervisor'] })),
];

describe.each(ENDPOINTS)('$name', ({ method, path, body, allowed }) => {
  it.each(EVERYONE)('as %s', async (who) => {
    const response = await as(app, tokens[who]).request(method, path(), body?.());
    if (allowed.includes(who)) {
      expect([401, 403]).not.toContain(response.status);
      expect(response.status).toBeLessThan(500);
    } else {
      expect(response.status).toBe(who === 'none' ? 401 : 403);
      expect(response.body).toEqual({
        statusCode: response.status,
        error: who === 'none' ? 'Unauthorized' : 'Forbidden',
        message: expect.any(String),
      });
    }
  });
});

describe('GET /statistics/stream (server-sent events)', () => {
  it.each(EVERYONE)('as %s', async (who) => {
    const abort = new AbortController();
    const response = await fetch(`${app.baseUrl}/statistics/stream`, {
      headers: tokens[who] ? { authorization: `Bearer ${tokens[who]}` } : {},
      signal: abort.signal,
    });
    abort.abort();
    expect(response.status).toBe(who === 'supervisor' ? 200 : who === 'none' ? 401 : 403);
  });
});

describe('/docs and /openapi.json (served outside the guard)', () => {
  it.each(['/docs', '/openapi.json'])('%s is not served with authentication on', async (path) => {
    for (const who of EVERYONE) expect((await as(app, tokens[who]).get(path)).status).toBe(404);
  });

  it('both are served to anyone with OMNICHANNEL_PUBLIC_API_DOCS=true', async () => {
    const documented = await AppProcess.start({ env: { ...AUTH_ENV, OMNICHANNEL_PUBLIC_API_DOCS: 'true' } });
    try {
      expect((await documented.get('/docs')).status).toBe(200);
      expect(expectStatus(await documented.get('/openapi.json'), 200)).toHaveProperty('openapi');
    } finally {
      await stopAndClean(documented);
    }
  });
});

describe('an agent acting as another agent', () => {
  it.each(['pick', 'end', 'release', 'close-session'])('is refused %s in the other agent’s name', async (command) => {
    const response = await as(app, tokens.otherAgent).post(`/conversations/${holdingId}/${command}`, { agentId });
    expect(response.status).toBe(403);
    expect(response.body.message).toContain(otherAgentId);
  });

  it('may not set another agent’s presence, read its capacity, or its conversations', async () => {
    const other = as(app, tokens.otherAgent);
    expect((await other.put(`/agents/${agentId}/presence`, { status: 'away' })).status).toBe(403);
    expect((await other.get(`/agents/${agentId}/capacity`)).status).toBe(403);
    expect((await other.get(`/conversations/${holdingId}`)).status).toBe(403);
    expect((await other.get(`/conversations?agentId=${agentId}`)).status).toBe(403);
    expect((await other.get(`/queues/${queueId}/open`)).status).toBe(403);
  });

  it('a supervisor sets any agent’s presence but commands no conversation', async () => {
    const supervisor = as(app, tokens.supervisor);
    expectStatus(await supervisor.put(`/agents/${otherAgentId}/presence`, { status: 'away' }), 200);
    expect((await supervisor.post(`/conversations/${holdingId}/end`, { agentId })).status).toBe(403);
  });

  it('a principal with several roles has the rights of each', async () => {
    const both = as(app, await token({ roles: ['agent', 'admin'], sub: agentId }));
    expectStatus(await both.put(`/queues/${queueId}`, { name: 'Q' }), 200);
    expectStatus(await both.get(`/conversations/${holdingId}`), 200);
    expect((await both.get('/conversations')).status).toBe(403);
  });

  it('reads the roles from a space-separated string as well as an array', async () => {
    const scoped = as(app, await token({ claims: { roles: 'channel supervisor' }, sub: 'x' }));
    expectStatus(await scoped.get('/conversations'), 200);
  });
});

describe('the audit trail names the authenticated principal', () => {
  it('records the agent who commanded and the admin who set up', async () => {
    const conversationId = uniqueId('conv');
    const position = expectStatus(
      await as(app, tokens.channel).post<{ position: number }>('/channel-events', requested(conversationId, route)),
      202,
    ).position;
    const picked = expectStatus(
      await as(app, tokens.agent).post<{ position: number }>(`/conversations/${conversationId}/pick`, { agentId }),
      200,
    );
    const trail = expectStatus(
      await as(app, tokens.supervisor).get<{ type: string; actor: unknown }[]>(
        `/conversations/${conversationId}/events`,
        Math.max(position, picked.position),
      ),
      200,
    );
    expect(trail.find((e) => e.type === 'conversation.picked')?.actor).toEqual({ kind: 'agent', id: agentId });

    const queue = uniqueId('queue');
    expectStatus(await as(app, tokens.admin).put(`/queues/${queue}`, { name: 'Audited' }), 200);
    expect(storedActors(app.dataDir, `queue-${queue}`).map((e) => e.actor)).toEqual([
      { kind: 'system', id: 'admin-1' },
    ]);
  });
});

describe('a token that proves nothing is 401 with the contract’s error body', () => {
  const refused: [string, () => Promise<string>][] = [
    ['expired', () => token({ roles: ['supervisor'], expiresIn: -120 })],
    ['not yet valid', () => token({ roles: ['supervisor'], notBefore: 600 })],
    ['from another issuer', () => token({ roles: ['supervisor'], issuer: 'https://elsewhere.test' })],
    ['for another audience', () => token({ roles: ['supervisor'], audience: 'another-service' })],
    [
      'signed with another key',
      () => token({ roles: ['supervisor'], key: new TextEncoder().encode('another-secret-another-secret-another') }),
    ],
    [
      'signed with an algorithm the service does not accept',
      async () => token({ roles: ['supervisor'], key: (await generateKeyPair('ES256')).privateKey, alg: 'ES256' }),
    ],
    [
      'unsigned (alg none)',
      async () => unsigned({ roles: ['supervisor'], sub: 'x', iss: AUTH_ENV.OMNICHANNEL_AUTH_ISSUER }),
    ],
    ['not a JWT', async () => 'not-a-jwt'],
  ];

  it.each(refused)('%s', async (_name, make) => {
    const response = await as(app, await make()).get('/conversations');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
  });

  it('accepts a token expired within the clock skew (30 s)', async () => {
    expectStatus(await as(app, await token({ roles: ['supervisor'], expiresIn: -5 })).get('/conversations'), 200);
  });

  it('answers 401 to a header that is not a bearer token', async () => {
    const response = await app.request('GET', '/conversations', undefined, { authorization: 'Basic YTpi' });
    expect(response.status).toBe(401);
  });
});

describe('/health says how the service is reached', () => {
  it('reports bearer authentication, and to an admin its key source', async () => {
    expect(expectStatus(await app.get('/health'), 200).access).toEqual({ authentication: 'bearer JWT' });
    const health = expectStatus(await as(app, tokens.admin).get('/health'), 200);
    expect(health.access).toMatchObject({ authentication: 'bearer JWT (secret)' });
  });
});

const unsigned = (claims: Record<string, unknown>) => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 600;
  return `${encode({ alg: 'none' })}.${encode({ ...claims, aud: AUTH_ENV.OMNICHANNEL_AUTH_AUDIENCE, exp })}.`;
};
