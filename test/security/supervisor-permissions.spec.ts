import { AppProcess, expectStatus, stopAndClean } from '../support/app-process';
import { AUTH_ENV, as, token } from '../support/auth';
import { requested, uniqueId, workstreamBody } from '../support/fixtures';

/**
 * Issue 21 with authentication: each supervisor action needs its own permission, granted to roles by
 * OMNICHANNEL_ROLE_PERMISSIONS (default: the supervisor role has all); a 403 names the missing permission,
 * and the token's subject is the actor the audit trail records.
 */

const queueId = uniqueId('queue');
const workstreamId = uniqueId('ws');
const agentId = uniqueId('agent');
const route = { channel: 'live_chat' as const, workstreamId, queueId };

/** Queue, workstream and an available agent; answers a helper that starts a conversation. */
const setUp = async (app: AppProcess) => {
  const admin = as(app, await token({ roles: ['admin'], sub: 'admin-1' }));
  expectStatus(await admin.put(`/queues/${queueId}`, { name: 'Q' }), 200);
  expectStatus(await admin.put(`/workstreams/${workstreamId}`, workstreamBody({ capacityUnits: 1 })), 200);
  expectStatus(await admin.put(`/agents/${agentId}`, { name: 'A', capacityUnits: 5, queueIds: [queueId] }), 200);
  const agent = as(app, await token({ roles: ['agent'], sub: agentId }));
  expectStatus(await agent.put(`/agents/${agentId}/presence`, { status: 'available' }), 200);
  const channel = as(app, await token({ roles: ['channel'], sub: 'adapter' }));
  return {
    agent,
    start: async () => {
      const id = uniqueId('conv');
      expectStatus(await channel.post('/channel-events', requested(id, route)), 202);
      return id;
    },
  };
};

const ACTIONS = [
  ['assign', 'assign', () => ({ agentId })],
  ['transfer', 'transfer', () => ({ toQueueId: queueId })],
  ['force-close', 'force-close', () => ({ reason: 'audit' })],
] as const;

describe('default permissions: the supervisor role has them all, no other role any', () => {
  let app: AppProcess;
  let start: () => Promise<string>;

  beforeAll(async () => {
    app = await AppProcess.start({ env: AUTH_ENV });
    ({ start } = await setUp(app));
  });

  afterAll(() => stopAndClean(app));

  it.each([
    ['agent', ['agent']],
    ['admin', ['admin']],
    ['channel', ['channel']],
  ])('%s: 403 naming the permission, for every action and bulk', async (_, roles) => {
    const other = as(app, await token({ roles: [...roles], sub: 'someone' }));
    const id = await start();
    for (const [path, permission, body] of ACTIONS) {
      const refused = await other.post(`/supervisor/conversations/${id}/${path}`, body());
      expect(refused.status).toBe(403);
      expect(refused.body.message).toContain(`permission '${permission}'`);
      const bulk = await other.post('/supervisor/bulk', { action: path, conversationIds: [id], ...body() });
      expect(bulk.status).toBe(403);
      expect(bulk.body.message).toContain(`permission '${permission}'`);
    }
  });

  it('without a token: 401', async () => {
    expect((await as(app, undefined).post(`/supervisor/conversations/x/force-close`, { reason: 'r' })).status).toBe(
      401,
    );
  });

  it('a supervisor assigns and force-closes, recorded as the token’s subject (the body’s supervisorId ignored)', async () => {
    const supervisor = as(app, await token({ roles: ['supervisor'], sub: 'sup-9' }));
    const id = await start();
    expectStatus(
      await supervisor.post(`/supervisor/conversations/${id}/assign`, { agentId, supervisorId: 'someone-else' }),
      200,
    );
    const closed = expectStatus(
      await supervisor.post<{ position: number }>(`/supervisor/conversations/${id}/force-close`, { reason: 'test' }),
      200,
    );
    const trail = expectStatus(
      await supervisor.get<{ type: string; actor: unknown; data: any }[]>(
        `/conversations/${id}/events`,
        closed.position,
      ),
      200,
    );
    const actors = trail.filter((e) => ['conversation.assigned', 'conversation.closed'].includes(e.type));
    expect(actors.map((e) => [e.actor, e.data.supervisor.supervisorId])).toEqual([
      [{ kind: 'agent', id: 'sup-9', role: 'supervisor' }, 'sup-9'],
      [{ kind: 'agent', id: 'sup-9', role: 'supervisor' }, 'sup-9'],
    ]);
  });
});

describe('OMNICHANNEL_ROLE_PERMISSIONS grants each permission on its own', () => {
  let app: AppProcess;
  let start: () => Promise<string>;

  beforeAll(async () => {
    app = await AppProcess.start({
      env: { ...AUTH_ENV, OMNICHANNEL_ROLE_PERMISSIONS: 'supervisor=monitor,assign;admin=force-close' },
    });
    ({ start } = await setUp(app));
  });

  afterAll(() => stopAndClean(app));

  it('a supervisor with monitor and assign only: assigns and reads, but may not transfer, force-close or sign out', async () => {
    const supervisor = as(app, await token({ roles: ['supervisor'], sub: 'sup-1' }));
    const id = await start();
    expectStatus(await supervisor.post(`/supervisor/conversations/${id}/assign`, { agentId }), 200);
    expectStatus(await supervisor.get('/conversations'), 200);
    const transfer = await supervisor.post(`/supervisor/conversations/${id}/transfer`, { toQueueId: queueId });
    expect([transfer.status, transfer.body.message]).toEqual([403, expect.stringContaining("'transfer'")]);
    const close = await supervisor.post(`/supervisor/conversations/${id}/force-close`, { reason: 'r' });
    expect([close.status, close.body.message]).toEqual([403, expect.stringContaining("'force-close'")]);
    const signOut = await supervisor.put(`/agents/${agentId}/presence`, { status: 'offline' });
    expect([signOut.status, signOut.body.message]).toEqual([403, expect.stringContaining("'presence'")]);
  });

  it('an admin granted force-close may force-close, and nothing else of a supervisor’s', async () => {
    const admin = as(app, await token({ roles: ['admin'], sub: 'admin-2' }));
    const id = await start();
    expect((await admin.post(`/supervisor/conversations/${id}/assign`, { agentId })).status).toBe(403);
    expectStatus(await admin.post(`/supervisor/conversations/${id}/force-close`, { reason: 'r' }), 200);
  });

  it('a role without monitor does not see the live statistics', async () => {
    const admin = as(app, await token({ roles: ['admin'], sub: 'admin-2' }));
    const refused = await admin.get('/statistics/queues');
    expect([refused.status, refused.body.message]).toEqual([403, expect.stringContaining("'monitor'")]);
  });
});
