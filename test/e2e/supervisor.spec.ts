import { AppProcess, expectStatus, stopAndClean } from '../support/app-process';
import {
  CommandResult,
  capacity,
  command,
  conversation,
  createAgent,
  createQueue,
  scenario,
  startConversation,
  uniqueId,
} from '../support/fixtures';

/**
 * Issue 21 over HTTP, without authentication (the body's supervisorId names the actor): each supervisor
 * endpoint, bulk with mixed outcomes, and signing an agent out, with capacity and the audit trail after each.
 */

const START = '2030-01-07T09:00:00.000Z';
const SUPERVISOR = 'sup-1';

let app: AppProcess;

beforeAll(async () => {
  app = await AppProcess.start({ env: { OMNICHANNEL_TEST_CLOCK: 'manual', OMNICHANNEL_TEST_CLOCK_START: START } });
});

afterAll(() => stopAndClean(app));

interface AuditEntry {
  type: string;
  data: Record<string, any>;
  actor: Record<string, unknown>;
}

const supervise = (conversationId: string, action: string, body: Record<string, unknown>) =>
  app.post<CommandResult & { message?: string; statusReason?: string; field?: string }>(
    `/supervisor/conversations/${conversationId}/${action}`,
    { supervisorId: SUPERVISOR, ...body },
  );

const trail = async (conversationId: string, minPosition: number) =>
  expectStatus(await app.get<AuditEntry[]>(`/conversations/${conversationId}/events`, { minPosition }), 200);

const lastOf = async (conversationId: string, type: string, minPosition: number) =>
  (await trail(conversationId, minPosition)).filter((e) => e.type === type).pop();

describe('POST /supervisor/conversations/{id}/assign', () => {
  it('offers an open conversation to an agent of its queue, recording the supervisor and why', async () => {
    const s = await scenario(app, { agents: 1, agentCapacity: 2 });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    const answer = expectStatus(await supervise(conversationId, 'assign', { agentId: agent, reason: 'VIP' }), 200);
    expect(answer).toEqual({ conversationId, statusReason: 'active', position: expect.any(Number) });
    expect(await conversation(app, conversationId, answer.position)).toMatchObject({
      primaryAgentId: agent,
      accepted: false,
    });
    const assigned = await lastOf(conversationId, 'conversation.assigned', answer.position);
    expect(assigned?.actor).toEqual({ kind: 'agent', id: SUPERVISOR, role: 'supervisor' });
    expect(assigned?.data.supervisor).toEqual({ supervisorId: SUPERVISOR, reason: 'VIP' });
    expect(assigned?.data.overCapacity).toBeUndefined();
    // The agent answers as to any pushed offer.
    expect((await command(app, conversationId, 'accept', agent)).statusReason).toBe('active');
  });

  it('refuses an agent without room with 409 naming the free units; overrideCapacity assigns past capacity', async () => {
    const s = await scenario(app, { agents: 1, agentCapacity: 1 });
    const [agent] = s.agentIds;
    const first = await startConversation(app, s);
    const second = await startConversation(app, s);
    await command(app, first.conversationId, 'pick', agent);

    const refused = await supervise(second.conversationId, 'assign', { agentId: agent });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('0 free capacity units, 1 needed');
    expect(refused.body.statusReason).toBe('open');

    const forced = expectStatus(
      await supervise(second.conversationId, 'assign', { agentId: agent, overrideCapacity: true }),
      200,
    );
    expect(await capacity(app, agent, forced.position)).toMatchObject({ totalUnits: 1, usedUnits: 2, freeUnits: 0 });
    const assigned = await lastOf(second.conversationId, 'conversation.assigned', forced.position);
    expect(assigned?.data.overCapacity).toBe(true);
  });

  it('refuses an agent of another queue (409) and an unknown agent (404); names a missing supervisorId (400)', async () => {
    const s = await scenario(app);
    const elsewhere = await createAgent(app, { queueIds: [await createQueue(app)] });
    const { conversationId } = await startConversation(app, s);
    expect((await supervise(conversationId, 'assign', { agentId: elsewhere })).status).toBe(409);
    expect((await supervise(conversationId, 'assign', { agentId: uniqueId('agent') })).status).toBe(404);
    const anonymous = await app.post(`/supervisor/conversations/${conversationId}/assign`, { agentId: elsewhere });
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.field).toBe('supervisorId');
  });
});

describe('POST /supervisor/conversations/{id}/transfer', () => {
  it('to an agent of the same queue: offered, capacity moves as X2; the agent may decline', async () => {
    const s = await scenario(app, { agents: 2, agentCapacity: 1 });
    const [from, to] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', from);
    const moved = expectStatus(await supervise(conversationId, 'transfer', { toAgentId: to, reason: 'skills' }), 200);
    expect(moved.statusReason).toBe('active');
    expect(await conversation(app, conversationId, moved.position)).toMatchObject({
      primaryAgentId: to,
      accepted: false,
    });
    expect((await capacity(app, from, moved.position)).usedUnits).toBe(0);
    expect((await capacity(app, to, moved.position)).usedUnits).toBe(1);
    const declined = await command(app, conversationId, 'reject', to);
    expect(declined.statusReason).toBe('open');
    expect((await capacity(app, to, declined.position)).usedUnits).toBe(0);
  });

  it('to another queue: open there, capacity released as X3', async () => {
    const s = await scenario(app);
    const [agent] = s.agentIds;
    const other = await createQueue(app);
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', agent);
    const moved = expectStatus(await supervise(conversationId, 'transfer', { toQueueId: other }), 200);
    expect(moved.statusReason).toBe('open');
    expect((await conversation(app, conversationId, moved.position)).queueId).toBe(other);
    expect((await capacity(app, agent, moved.position)).usedUnits).toBe(0);
    const event = await lastOf(conversationId, 'conversation.transferred_to_queue', moved.position);
    expect(event?.data.supervisor).toEqual({ supervisorId: SUPERVISOR });
  });

  it('needs exactly one target (400) and refuses an open conversation (409)', async () => {
    const s = await scenario(app, { agents: 2 });
    const { conversationId } = await startConversation(app, s);
    const both = await supervise(conversationId, 'transfer', { toAgentId: s.agentIds[1], toQueueId: s.queueId });
    expect(both.status).toBe(400);
    const open = await supervise(conversationId, 'transfer', { toQueueId: s.queueId });
    expect(open.status).toBe(409);
    expect(open.body.statusReason).toBe('open');
  });
});

describe('POST /supervisor/conversations/{id}/force-close', () => {
  it('closes it at once, capacity released, the supervisor and the reason in the trail', async () => {
    const s = await scenario(app);
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', agent);
    const closed = expectStatus(await supervise(conversationId, 'force-close', { reason: 'abusive customer' }), 200);
    expect(closed.statusReason).toBe('closed');
    expect((await capacity(app, agent, closed.position)).usedUnits).toBe(0);
    const event = await lastOf(conversationId, 'conversation.closed', closed.position);
    expect(event?.data).toMatchObject({
      reason: 'force_closed',
      supervisor: { supervisorId: SUPERVISOR, reason: 'abusive customer' },
    });
    const again = await supervise(conversationId, 'force-close', { reason: 'twice' });
    expect(again.status).toBe(409);
    expect(again.body.statusReason).toBe('closed');
  });

  it('requires a reason (400 naming it), and changes nothing without one', async () => {
    const s = await scenario(app);
    const { conversationId, position } = await startConversation(app, s);
    const refused = await supervise(conversationId, 'force-close', {});
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('reason');
    expect((await conversation(app, conversationId, position)).statusReason).toBe('open');
  });
});

interface BulkAnswer {
  results: { conversationId: string; status: number; statusReason?: string; error?: string; position?: number }[];
}

describe('POST /supervisor/bulk', () => {
  it('each item its own command: mixed outcomes in one 200, in the order given', async () => {
    const s = await scenario(app);
    const open = await startConversation(app, s);
    const closed = await startConversation(app, s);
    expectStatus(await supervise(closed.conversationId, 'force-close', { reason: 'first' }), 200);
    const unknown = uniqueId('conv');
    const answer = expectStatus(
      await app.post<BulkAnswer>('/supervisor/bulk', {
        action: 'force-close',
        supervisorId: SUPERVISOR,
        reason: 'storm',
        conversationIds: [open.conversationId, closed.conversationId, unknown],
      }),
      200,
    );
    expect(answer.results).toEqual([
      { conversationId: open.conversationId, status: 200, statusReason: 'closed', position: expect.any(Number) },
      { conversationId: closed.conversationId, status: 409, statusReason: 'closed', error: expect.any(String) },
      { conversationId: unknown, status: 404, error: expect.stringContaining(unknown) },
    ]);
    const position = answer.results[0].position!;
    expect((await conversation(app, open.conversationId, position)).statusReason).toBe('closed');
  });

  it('assigns many to one agent until it is full; the refusals leave the others assigned', async () => {
    const s = await scenario(app, { agentCapacity: 2 });
    const [agent] = s.agentIds;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await startConversation(app, s)).conversationId);
    const answer = expectStatus(
      await app.post<BulkAnswer>('/supervisor/bulk', {
        action: 'assign',
        supervisorId: SUPERVISOR,
        agentId: agent,
        conversationIds: ids,
      }),
      200,
    );
    expect(answer.results.map((r) => r.status).sort()).toEqual([200, 200, 409]);
    const refused = answer.results.find((r) => r.status === 409)!;
    expect(refused.error).toContain('free capacity units');
    const last = Math.max(...answer.results.map((r) => r.position ?? 0));
    expect(await capacity(app, agent, last)).toMatchObject({ usedUnits: 2, freeUnits: 0 });
  });

  it('transfers to a queue in bulk', async () => {
    const s = await scenario(app, { agentCapacity: 3 });
    const [agent] = s.agentIds;
    const other = await createQueue(app);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { conversationId } = await startConversation(app, s);
      await command(app, conversationId, 'pick', agent);
      ids.push(conversationId);
    }
    const answer = expectStatus(
      await app.post<BulkAnswer>('/supervisor/bulk', {
        action: 'transfer',
        supervisorId: SUPERVISOR,
        toQueueId: other,
        conversationIds: ids,
      }),
      200,
    );
    expect(answer.results.map((r) => [r.status, r.statusReason])).toEqual([
      [200, 'open'],
      [200, 'open'],
    ]);
  });

  it.each([
    ['more than 500 ids', { action: 'force-close', reason: 'x', conversationIds: [...Array(501).keys()].map(String) }],
    ['no ids', { action: 'force-close', reason: 'x', conversationIds: [] }],
    ['an unknown action', { action: 'end', conversationIds: ['c1'] }],
    ['assign without agentId', { action: 'assign', conversationIds: ['c1'] }],
    ['force-close without reason', { action: 'force-close', conversationIds: ['c1'] }],
    ['transfer without a target', { action: 'transfer', conversationIds: ['c1'] }],
    ['the same id twice', { action: 'force-close', reason: 'x', conversationIds: ['c1', 'c1'] }],
  ])('refuses %s with 400', async (_, body) => {
    expect((await app.post('/supervisor/bulk', { supervisorId: SUPERVISOR, ...body })).status).toBe(400);
  });
});

describe('signing an agent out: PUT /agents/{id}/presence by a supervisor', () => {
  it('offline, the active conversations disconnected by the supervisor; T7 returns them after the timeout', async () => {
    const s = await scenario(app, { workstream: { agentDisconnectTimeoutSeconds: 60 } });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    const picked = await command(app, conversationId, 'pick', agent);
    await conversation(app, conversationId, picked.position);
    const out = expectStatus(
      await app.put<{ status: string; position: number; disconnectedConversationIds: string[] }>(
        `/agents/${agent}/presence`,
        { status: 'offline', supervisorId: SUPERVISOR, reason: 'left without signing out' },
      ),
      200,
    );
    expect(out).toMatchObject({ status: 'offline', disconnectedConversationIds: [conversationId] });
    const disconnected = await lastOf(conversationId, 'conversation.agent_disconnected', out.position);
    expect(disconnected?.actor).toEqual({ kind: 'agent', id: SUPERVISOR, role: 'supervisor' });
    expect(disconnected?.data.supervisor).toEqual({ supervisorId: SUPERVISOR, reason: 'left without signing out' });

    const advanced = expectStatus(await app.post<{ position: number }>('/test/clock/advance', { seconds: 61 }), 200);
    expect((await conversation(app, conversationId, advanced.position)).statusReason).toBe('open');
    expect((await capacity(app, agent, advanced.position)).usedUnits).toBe(0);
  });

  it('an agent going offline on its own disconnects nothing', async () => {
    const s = await scenario(app);
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    const picked = await command(app, conversationId, 'pick', agent);
    await conversation(app, conversationId, picked.position);
    const out = expectStatus(await app.put(`/agents/${agent}/presence`, { status: 'offline' }), 200);
    expect(out.disconnectedConversationIds).toBeUndefined();
    expect((await conversation(app, conversationId, out.position)).statusReason).toBe('active');
  });
});
