import { AppProcess, expectStatus, stopAndClean } from '../support/app-process';
import {
  capacity,
  command,
  conversation,
  createAgent,
  createQueue,
  customerDisconnected,
  customerEnded,
  customerMessage,
  eventTypes,
  requested,
  scenario,
  send,
  startConversation,
  uniqueId,
  units,
  voiceTransferred,
} from '../support/fixtures';

/** Whole conversation lifecycles over HTTP (spec: conversation-lifecycle.md), with capacity after each step. */

let app: AppProcess;

beforeAll(async () => {
  app = await AppProcess.start();
});

afterAll(() => stopAndClean(app));

/** The conversation's status reason as of `position` (read-your-writes). */
const statusOf = async (conversationId: string, position: number) =>
  (await conversation(app, conversationId, position)).statusReason;

describe('live chat', () => {
  it('requested → pick → end → close-session → closed (T1, T4, T14)', async () => {
    const s = await scenario(app, {
      workstream: { channel: 'live_chat', wrapUpCapacityBlock: 'always' },
      agentCapacity: 2,
    });
    const [agent] = s.agentIds;
    const { conversationId, position: p0 } = await startConversation(app, s);
    expect(await statusOf(conversationId, p0)).toBe('open');
    expect(await units(app, agent, p0)).toEqual({ used: 0, free: 2 });

    const picked = await command(app, conversationId, 'pick', agent);
    expect(picked.statusReason).toBe('active');
    expect(await conversation(app, conversationId, picked.position)).toMatchObject({
      statusReason: 'active',
      primaryAgentId: agent,
      accepted: true,
    });
    expect(await units(app, agent, picked.position)).toEqual({ used: 1, free: 1 });

    const ended = await command(app, conversationId, 'end', agent);
    expect(ended.statusReason).toBe('wrap_up');
    expect(await units(app, agent, ended.position)).toEqual({ used: 1, free: 1 });

    const closed = await command(app, conversationId, 'close-session', agent);
    expect(closed.statusReason).toBe('closed');
    expect(await conversation(app, conversationId, closed.position)).toMatchObject({
      state: 'closed',
      statusReason: 'closed',
      closedAt: expect.any(String),
    });
    expect(await units(app, agent, closed.position)).toEqual({ used: 0, free: 2 });
    const types = await eventTypes(app, conversationId, closed.position);
    expect(types.filter((t) => t.startsWith('conversation.'))).toEqual([
      'conversation.requested',
      'conversation.picked',
      'conversation.ended',
      'conversation.closed',
    ]);
    // closed is final
    const again = await app.post(`/conversations/${conversationId}/pick`, { agentId: agent });
    expect(again).toMatchObject({ status: 409, body: { statusReason: 'closed' } });
  });

  it.each([
    ['ends (T5)', customerEnded],
    ['disconnects (T6)', customerDisconnected],
  ])('the customer %s an active live chat: wrap_up, then the agent closes it', async (_how, leave) => {
    const s = await scenario(app, { workstream: { channel: 'live_chat', wrapUpCapacityBlock: 'always' } });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', agent);
    const left = await send(app, leave(conversationId));
    expect(await statusOf(conversationId, left)).toBe('wrap_up');
    expect((await capacity(app, agent, left)).holds).toEqual([{ conversationId, units: 1, reason: 'wrap_up' }]);
    const closed = await command(app, conversationId, 'end', agent);
    expect(closed.statusReason).toBe('closed');
    expect(await units(app, agent, closed.position)).toEqual({ used: 0, free: 3 });
  });

  it.each([
    ['disconnects', customerDisconnected],
    ['ends the chat', customerEnded],
  ])('the customer %s before any pick: abandoned, closed (T3)', async (_how, leave) => {
    const s = await scenario(app, { workstream: { channel: 'live_chat' } });
    const { conversationId } = await startConversation(app, s);
    const left = await send(app, leave(conversationId));
    expect(await conversation(app, conversationId, left)).toMatchObject({ state: 'closed', statusReason: 'closed' });
    expect(await eventTypes(app, conversationId, left)).toEqual(['conversation.requested', 'conversation.abandoned']);
    const open = expectStatus(await app.get<{ id: string }[]>(`/queues/${s.queueId}/open`, { minPosition: left }), 200);
    expect(open.map((c) => c.id)).not.toContain(conversationId);
  });

  it('close-session while active returns it to the queue (T10); release too (T8)', async () => {
    const s = await scenario(app, { workstream: { channel: 'live_chat' } });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', agent);
    const closedSession = await command(app, conversationId, 'close-session', agent);
    expect(closedSession.statusReason).toBe('open');
    expect(await units(app, agent, closedSession.position)).toEqual({ used: 0, free: 3 });
    await command(app, conversationId, 'pick', agent);
    const released = await command(app, conversationId, 'release', agent);
    expect(released.statusReason).toBe('open');
    expect(await conversation(app, conversationId, released.position)).toMatchObject({
      statusReason: 'open',
      primaryAgentId: null,
    });
    expect(await units(app, agent, released.position)).toEqual({ used: 0, free: 3 });
  });
});

describe('persistent chat', () => {
  it('refuses an unauthenticated customer (400)', async () => {
    const s = await scenario(app, { workstream: { channel: 'persistent_chat' } });
    const response = await app.post(
      '/channel-events',
      requested(uniqueId('conv'), s, { id: 'anon', authenticated: false }),
    );
    expect(response).toMatchObject({ status: 400, body: { message: expect.stringMatching(/authenticated/) } });
  });

  it('close-session → waiting (T11); the customer writes → open (T17); picked again; whole transcript kept', async () => {
    const s = await scenario(app, { workstream: { channel: 'persistent_chat' } });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await send(app, customerMessage(conversationId, 'first'));
    await command(app, conversationId, 'pick', agent);
    await command(app, conversationId, 'messages', agent, { text: 'reply' });

    // the customer cannot end a persistent chat
    const ignored = await send(app, customerEnded(conversationId));
    expect(await statusOf(conversationId, ignored)).toBe('active');

    const parked = await command(app, conversationId, 'close-session', agent);
    expect(parked.statusReason).toBe('waiting');
    expect(await units(app, agent, parked.position)).toEqual({ used: 0, free: 3 });
    const mine = expectStatus(
      await app.get<{ id: string }[]>(`/conversations?agentId=${agent}&statusReason=waiting`, {
        minPosition: parked.position,
      }),
      200,
    );
    expect(mine.map((c) => c.id)).toEqual([conversationId]);

    const back = await send(app, customerMessage(conversationId, 'are you there?'));
    expect(await statusOf(conversationId, back)).toBe('open');
    const open = expectStatus(await app.get<{ id: string }[]>(`/queues/${s.queueId}/open`, { minPosition: back }), 200);
    expect(open.map((c) => c.id)).toEqual([conversationId]);
    expect(await units(app, agent, back)).toEqual({ used: 0, free: 3 });

    const picked = await command(app, conversationId, 'pick', agent);
    expect(await units(app, agent, picked.position)).toEqual({ used: 1, free: 2 });
    const transcript = expectStatus(
      await app.get<{ text: string }[]>(`/conversations/${conversationId}/transcript`, {
        minPosition: picked.position,
      }),
      200,
    );
    expect(transcript.map((m) => m.text)).toEqual(['first', 'reply', 'are you there?']);
  });

  it('a waiting conversation is resumed by its owner only (T16)', async () => {
    const s = await scenario(app, { workstream: { channel: 'persistent_chat' }, agents: 2 });
    const [owner, other] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', owner);
    const parked = await command(app, conversationId, 'close-session', owner);
    expect(await statusOf(conversationId, parked.position)).toBe('waiting');

    const stranger = await app.post(`/conversations/${conversationId}/resume`, { agentId: other });
    expect(stranger.status).toBe(403);
    const resumed = await command(app, conversationId, 'resume', owner);
    expect(resumed.statusReason).toBe('active');
    expect(await conversation(app, conversationId, resumed.position)).toMatchObject({
      statusReason: 'active',
      primaryAgentId: owner,
    });
    expect(await units(app, owner, resumed.position)).toEqual({ used: 1, free: 2 });
    expect(await units(app, other, resumed.position)).toEqual({ used: 0, free: 3 });

    const ended = await command(app, conversationId, 'end', owner);
    const closed = await command(app, conversationId, 'close-session', owner);
    expect([ended.statusReason, closed.statusReason]).toEqual(['wrap_up', 'closed']);
    expect(await units(app, owner, closed.position)).toEqual({ used: 0, free: 3 });
  });
});

describe('voice transfers (X1–X3): the original agent’s capacity is released immediately', () => {
  /** Two queues; a1, a2 in the first, a3 in the second. */
  const voiceSetUp = async () => {
    const s = await scenario(app, { workstream: { channel: 'voice', capacityUnits: 2 }, agents: 2, agentCapacity: 4 });
    const secondQueue = await createQueue(app);
    const a3 = await createAgent(app, { capacityUnits: 4, queueIds: [secondQueue] });
    return { s, a1: s.agentIds[0], a2: s.agentIds[1], a3, secondQueue };
  };

  it('over HTTP: to an agent, to a queue, to an external number', async () => {
    const { s, a1, a2, a3, secondQueue } = await voiceSetUp();
    const { conversationId } = await startConversation(app, s);
    const picked = await command(app, conversationId, 'pick', a1);
    expect(await units(app, a1, picked.position)).toEqual({ used: 2, free: 2 });
    // a call is ended or transferred, never parked (T11 is for asynchronous channels)
    const parked = await app.post(`/conversations/${conversationId}/close-session`, { agentId: a1 });
    expect(parked).toMatchObject({ status: 409, body: { statusReason: 'active' } });

    const toAgent = await command(app, conversationId, 'transfer', a1, { toAgentId: a2 }); // X2
    expect(toAgent.statusReason).toBe('active');
    expect(await conversation(app, conversationId, toAgent.position)).toMatchObject({
      statusReason: 'active',
      primaryAgentId: a2,
    });
    expect(await units(app, a1, toAgent.position)).toEqual({ used: 0, free: 4 });
    expect(await units(app, a2, toAgent.position)).toEqual({ used: 2, free: 2 });

    const toQueue = await command(app, conversationId, 'transfer', a2, { toQueueId: secondQueue }); // X3
    expect(toQueue.statusReason).toBe('open');
    expect(await conversation(app, conversationId, toQueue.position)).toMatchObject({
      statusReason: 'open',
      queueId: secondQueue,
      primaryAgentId: null,
    });
    expect(await units(app, a2, toQueue.position)).toEqual({ used: 0, free: 4 });
    const waiting = expectStatus(
      await app.get<{ id: string }[]>(`/queues/${secondQueue}/open`, { minPosition: toQueue.position }),
      200,
    );
    expect(waiting.map((c) => c.id)).toEqual([conversationId]);

    await command(app, conversationId, 'pick', a3);
    const toExternal = await command(app, conversationId, 'transfer', a3, { toExternalNumber: '+4570101010' }); // X1
    expect(toExternal.statusReason).toBe('active');
    const view = await conversation(app, conversationId, toExternal.position);
    expect(view).toMatchObject({ statusReason: 'active', primaryExternalNumber: '+4570101010' });
    expect(view.primaryAgentId ?? null).toBeNull();
    expect(await units(app, a3, toExternal.position)).toEqual({ used: 0, free: 4 });
    // after X1 no agent owns it: the last agent can no longer act on it
    expect((await app.post(`/conversations/${conversationId}/end`, { agentId: a3 })).status).toBe(403);
  });

  it('by the voice.transferred channel event: to an agent, to a queue, to an external number', async () => {
    const { s, a1, a2, a3, secondQueue } = await voiceSetUp();
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', a1);

    const transfer = voiceTransferred(conversationId, a1, { toAgentId: a2 });
    const toAgent = await send(app, transfer);
    expect(await conversation(app, conversationId, toAgent)).toMatchObject({
      statusReason: 'active',
      primaryAgentId: a2,
    });
    expect(await units(app, a1, toAgent)).toEqual({ used: 0, free: 4 });
    expect(await units(app, a2, toAgent)).toEqual({ used: 2, free: 2 });
    const audit = expectStatus(
      await app.get<any[]>(`/conversations/${conversationId}/events`, { minPosition: toAgent }),
      200,
    );
    expect(audit.find((e) => e.type === 'conversation.transferred_to_agent')).toMatchObject({
      causationId: transfer.eventId,
      actor: { kind: 'channel' },
    });

    const toQueue = await send(app, voiceTransferred(conversationId, a2, { toQueueId: secondQueue }));
    expect(await conversation(app, conversationId, toQueue)).toMatchObject({
      statusReason: 'open',
      queueId: secondQueue,
    });
    expect(await units(app, a2, toQueue)).toEqual({ used: 0, free: 4 });

    await command(app, conversationId, 'pick', a3);
    const toExternal = await send(app, voiceTransferred(conversationId, a3, { toExternalNumber: '+4570202020' }));
    expect(await conversation(app, conversationId, toExternal)).toMatchObject({
      statusReason: 'active',
      primaryExternalNumber: '+4570202020',
    });
    expect(await units(app, a3, toExternal)).toEqual({ used: 0, free: 4 });
  });
});

describe('record', () => {
  it('pick → resolve → closed (T12), capacity released', async () => {
    const s = await scenario(app, { workstream: { channel: 'record', capacityUnits: 3 }, agentCapacity: 5 });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    const picked = await command(app, conversationId, 'pick', agent);
    expect(await units(app, agent, picked.position)).toEqual({ used: 3, free: 2 });
    const parked = await app.post(`/conversations/${conversationId}/close-session`, { agentId: agent });
    expect(parked).toMatchObject({ status: 409, body: { statusReason: 'active' } });
    const resolved = await command(app, conversationId, 'resolve', agent);
    expect(resolved.statusReason).toBe('closed');
    expect(await conversation(app, conversationId, resolved.position)).toMatchObject({
      state: 'closed',
      closedAt: expect.any(String),
    });
    expect(await units(app, agent, resolved.position)).toEqual({ used: 0, free: 5 });
  });
});

describe('wrap-up capacity block', () => {
  it('never: released the moment it moves to wrap_up', async () => {
    const s = await scenario(app, { workstream: { channel: 'sms', wrapUpCapacityBlock: 'never', capacityUnits: 2 } });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    const picked = await command(app, conversationId, 'pick', agent);
    expect(await units(app, agent, picked.position)).toEqual({ used: 2, free: 1 });
    const ended = await command(app, conversationId, 'end', agent);
    expect(ended.statusReason).toBe('wrap_up');
    expect(await capacity(app, agent, ended.position)).toMatchObject({ usedUnits: 0, freeUnits: 3, holds: [] });
    const closed = await command(app, conversationId, 'close-session', agent);
    expect(closed.statusReason).toBe('closed');
    expect(await capacity(app, agent, closed.position)).toMatchObject({ usedUnits: 0, freeUnits: 3, holds: [] });
  });

  it('always: blocked for as long as it is in wrap_up, released when it closes', async () => {
    const s = await scenario(app, { workstream: { channel: 'sms', wrapUpCapacityBlock: 'always', capacityUnits: 2 } });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', agent);
    const ended = await command(app, conversationId, 'end', agent);
    const during = await capacity(app, agent, ended.position);
    expect(during).toMatchObject({ usedUnits: 2, freeUnits: 1 });
    expect(during.holds).toEqual([{ conversationId, units: 2, reason: 'wrap_up' }]);
    const closed = await command(app, conversationId, 'end', agent); // End after wrap-up (T14)
    expect(closed.statusReason).toBe('closed');
    expect(await capacity(app, agent, closed.position)).toMatchObject({ usedUnits: 0, freeUnits: 3, holds: [] });
  });
});
