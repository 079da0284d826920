import { AppProcess, expectStatus, pollUntil, stopAndClean } from '../support/app-process';
import {
  Scenario,
  capacity,
  channelEvent,
  command,
  conversation,
  createAgent,
  createQueue,
  customerEnded,
  customerMessage,
  requested,
  scenario,
  send,
  startConversation,
  uniqueId,
  voiceTransferred,
  workstreamBody,
} from '../support/fixtures';

/** Contract section 3 over real HTTP against the built service. */

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let app: AppProcess;

beforeAll(async () => {
  app = await AppProcess.start();
});

afterAll(() => stopAndClean(app));

/** The contract's error body, with the status code it goes with. */
const expectError = (response: { status: number; body: any }, status: number, messagePart?: string | RegExp) => {
  expect(response).toMatchObject({
    status,
    body: { statusCode: status, error: expect.any(String), message: expect.any(String) },
  });
  if (messagePart) expect(response.body.message).toMatch(messagePart);
};

describe('set-up', () => {
  it('PUT /queues/{id} answers 200 with what was stored', async () => {
    const id = uniqueId('queue');
    const response = await app.put(`/queues/${id}`, { name: 'Billing' });
    expect(response).toMatchObject({ status: 200, body: { id, name: 'Billing' } });
  });

  it('PUT /workstreams/{id} answers 200 echoing every setting sent', async () => {
    const id = uniqueId('ws');
    const body = workstreamBody({
      channel: 'persistent_chat',
      wrapUpCapacityBlock: { minutes: 5 },
      keepSameAgent: true,
      operatingHours: { timeZone: 'Europe/Copenhagen', weekly: [{ day: 'mon', from: '09:00', to: '17:00' }] },
    });
    const response = await app.put(`/workstreams/${id}`, body);
    expect(response).toMatchObject({ status: 200, body: { id, ...body } });
  });

  it('PUT /agents/{id} and PUT /agents/{id}/presence answer 200 with what was stored', async () => {
    const queueId = await createQueue(app);
    const id = uniqueId('agent');
    const agent = await app.put(`/agents/${id}`, { name: 'Ada', capacityUnits: 4, queueIds: [queueId] });
    expect(agent).toMatchObject({ status: 200, body: { id, name: 'Ada', capacityUnits: 4, queueIds: [queueId] } });
    const presence = await app.put(`/agents/${id}/presence`, { status: 'available' });
    expect(presence).toMatchObject({ status: 200, body: { agentId: id, status: 'available' } });
  });

  it.each([
    ['distribution', { distribution: 'round-robin' }],
    ['capacityUnits', { capacityUnits: 0 }],
    ['wrapUpCapacityBlock', { wrapUpCapacityBlock: { minutes: 61 } }],
    ['channel', { channel: 'fax' }],
  ])('an invalid workstream body answers 400 naming %s', async (field, override) => {
    const response = await app.put(`/workstreams/${uniqueId('ws')}`, { ...workstreamBody(), ...override });
    expectError(response, 400, field);
  });

  it('an invalid id in the path answers 400 naming it', async () => {
    expectError(await app.put('/queues/has%20space', { name: 'x' }), 400, /\bid\b/);
    expectError(
      await app.put(`/agents/${'a'.repeat(129)}`, { name: 'x', capacityUnits: 1, queueIds: [] }),
      400,
      /\bid\b/,
    );
  });

  it('presence of an unknown agent answers 404', async () => {
    expectError(await app.put(`/agents/${uniqueId('nobody')}/presence`, { status: 'available' }), 404);
  });
});

describe('agent commands', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await scenario(app, { workstream: { channel: 'voice' }, agents: 2, agentCapacity: 20 });
  });

  it('pick answers 200 with {conversationId, statusReason, position}', async () => {
    const { conversationId, position: requestedAt } = await startConversation(app, s);
    const response = await app.post(`/conversations/${conversationId}/pick`, { agentId: s.agentIds[0] });
    expect(response).toMatchObject({
      status: 200,
      body: { conversationId, statusReason: 'active', position: expect.any(Number) },
    });
    expect(response.body.position).toBeGreaterThan(requestedAt);
  });

  it('a command not allowed now answers 409 naming the current status reason', async () => {
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', s.agentIds[0]);
    const response = await app.post(`/conversations/${conversationId}/pick`, { agentId: s.agentIds[1] });
    expectError(response, 409, /active/);
    expect(response.body.statusReason).toBe('active');
    // accept / reject of an assignment that is already accepted (a pick is accepted at once)
    expectError(await app.post(`/conversations/${conversationId}/accept`, { agentId: s.agentIds[0] }), 409, /active/);
    expectError(await app.post(`/conversations/${conversationId}/reject`, { agentId: s.agentIds[0] }), 409, /active/);
    // resolve is for records only
    expectError(await app.post(`/conversations/${conversationId}/resolve`, { agentId: s.agentIds[0] }), 409, /active/);
  });

  it('accept and reject a pushed assignment answer 200 (active+accepted, back to open)', async () => {
    const push = await scenario(app, { workstream: { channel: 'live_chat', distribution: 'push' }, agents: 1 });
    const [agent] = push.agentIds;
    const assigned = async (conversationId: string) =>
      pollUntil(`${conversationId} pushed to ${agent}`, async () => {
        const view = await conversation(app, conversationId);
        return view.statusReason === 'active' ? view : undefined;
      });

    const first = await startConversation(app, push);
    expect(await assigned(first.conversationId)).toMatchObject({ primaryAgentId: agent, accepted: false });
    const accepted = await command(app, first.conversationId, 'accept', agent);
    expect(accepted).toMatchObject({ conversationId: first.conversationId, statusReason: 'active' });
    expect(await conversation(app, first.conversationId, accepted.position)).toMatchObject({ accepted: true });

    const second = await startConversation(app, push);
    await assigned(second.conversationId);
    const rejected = await command(app, second.conversationId, 'reject', agent);
    expect(rejected).toMatchObject({ conversationId: second.conversationId, statusReason: 'open' });
    expect(await capacity(app, agent, rejected.position)).toMatchObject({
      holds: [{ conversationId: first.conversationId }],
    });
  });

  it("another agent ending someone else's conversation answers 403 and changes nothing", async () => {
    const { conversationId } = await startConversation(app, s);
    const picked = await command(app, conversationId, 'pick', s.agentIds[0]);
    expectError(await app.post(`/conversations/${conversationId}/end`, { agentId: s.agentIds[1] }), 403);
    expect(await conversation(app, conversationId, picked.position)).toMatchObject({
      statusReason: 'active',
      primaryAgentId: s.agentIds[0],
    });
  });

  it('unknown conversation, agent or queue answers 404', async () => {
    expectError(await app.post(`/conversations/${uniqueId('nope')}/pick`, { agentId: s.agentIds[0] }), 404);
    const { conversationId } = await startConversation(app, s);
    expectError(await app.post(`/conversations/${conversationId}/pick`, { agentId: uniqueId('nobody') }), 404);
    await command(app, conversationId, 'pick', s.agentIds[0]);
    expectError(
      await app.post(`/conversations/${conversationId}/transfer`, {
        agentId: s.agentIds[0],
        toQueueId: uniqueId('nowhere'),
      }),
      404,
    );
  });

  it('invalid command bodies answer 400 naming the field', async () => {
    const { conversationId } = await startConversation(app, s);
    expectError(await app.post(`/conversations/${conversationId}/pick`, {}), 400, 'agentId');
    expectError(await app.post(`/conversations/bad%20id/pick`, { agentId: s.agentIds[0] }), 400, /\bid\b/);
    const twoTargets = { agentId: s.agentIds[0], toQueueId: s.queueId, toAgentId: s.agentIds[1] };
    expectError(await app.post(`/conversations/${conversationId}/transfer`, twoTargets), 400, /exactly one/);
    expectError(await app.post(`/conversations/${conversationId}/messages`, { agentId: s.agentIds[0] }), 400, 'text');
  });

  it('release, transfer, messages, end and close-session answer 200 with the new status reason', async () => {
    const [a, b] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', a);
    expect(await command(app, conversationId, 'messages', a, { text: 'hello' })).toMatchObject({
      statusReason: 'active',
    });
    expect(await command(app, conversationId, 'release', a)).toMatchObject({ statusReason: 'open' });
    await command(app, conversationId, 'pick', a);
    expect(await command(app, conversationId, 'transfer', a, { toAgentId: b })).toMatchObject({
      statusReason: 'active',
    });
    expect(await command(app, conversationId, 'end', b)).toMatchObject({ statusReason: 'wrap_up' });
    expect(await command(app, conversationId, 'close-session', b)).toMatchObject({
      conversationId,
      statusReason: 'closed',
    });
  });
});

describe('POST /channel-events', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await scenario(app);
  });

  it('answers 202 {position}, and 202 {duplicate: true} for a repeated eventId without changing anything', async () => {
    const conversationId = uniqueId('conv');
    const event = requested(conversationId, s);
    const first = await app.post('/channel-events', event);
    expect(first).toMatchObject({ status: 202, body: { position: expect.any(Number) } });
    const message = customerMessage(conversationId, 'once');
    const position = await send(app, message);
    const before = {
      conversation: await conversation(app, conversationId, position),
      events: expectStatus(await app.get(`/conversations/${conversationId}/events`, { minPosition: position }), 200),
    };

    expect(await app.post('/channel-events', event)).toMatchObject({ status: 202, body: { duplicate: true } });
    expect(await app.post('/channel-events', message)).toMatchObject({ status: 202, body: { duplicate: true } });
    // A marker written afterwards: once it is visible, anything the duplicates changed would be too.
    const marker = await send(app, requested(uniqueId('conv'), s));
    expect(await conversation(app, conversationId, marker)).toEqual(before.conversation);
    expect(
      expectStatus(await app.get(`/conversations/${conversationId}/events`, { minPosition: marker }), 200),
    ).toEqual(before.events);
    expect(expectStatus(await app.get(`/conversations/${conversationId}/transcript`), 200)).toHaveLength(1);
  });

  it('ignores an eventId seen before on another conversation (the whole store, issue 22)', async () => {
    const c1 = (await startConversation(app, s)).conversationId;
    const { conversationId: c3 } = await startConversation(app, s);
    const message = customerMessage(c1, 'hello');
    const position = await send(app, message);
    const before = await conversation(app, c3, position);

    const ended = { ...customerEnded(c3), eventId: message.eventId };
    expect(await app.post('/channel-events', ended)).toMatchObject({ status: 202, body: { duplicate: true } });
    const marker = await send(app, requested(uniqueId('conv'), s));
    expect(await conversation(app, c3, marker)).toEqual(before);
    expect(before).toMatchObject({ statusReason: 'open' });
  });

  it.each([
    [
      'a missing field',
      () => {
        const { occurredAt: _omitted, ...e } = requested(uniqueId('conv'), s);
        return e;
      },
      'occurredAt',
    ],
    ['an unknown type', () => channelEvent('customer.sneezed', uniqueId('conv')), 'type'],
    ['a bad payload', () => ({ ...customerMessage(uniqueId('conv'), 'x'), payload: { text: 42 } }), 'payload.text'],
    [
      'voice.transferred with two targets',
      () => channelEvent('voice.transferred', uniqueId('conv'), { byAgentId: 'a', toAgentId: 'b', toQueueId: 'q' }),
      'payload',
    ],
  ])('%s answers 400 naming the field', async (_what, build, field) => {
    const response = await app.post('/channel-events', build());
    expectError(response, 400, field);
  });

  it('conversation.requested naming an unknown workstream or queue answers 404, and nothing is created', async () => {
    const noWorkstream = requested(uniqueId('conv'), { ...s, workstreamId: uniqueId('nows') });
    expectError(await app.post('/channel-events', noWorkstream), 404, 'workstream');
    const noQueue = requested(uniqueId('conv'), { ...s, queueId: uniqueId('noq') });
    expectError(await app.post('/channel-events', noQueue), 404, 'queue');
    expect((await app.get(`/conversations/${noWorkstream.conversationId}`)).status).toBe(404);
    expect((await app.get(`/conversations/${noQueue.conversationId}`)).status).toBe(404);
  });

  it('an event for an unknown conversation answers 404', async () => {
    expectError(await app.post('/channel-events', customerMessage(uniqueId('conv'), 'hello?')), 404);
  });

  it('an event illegal in the current state answers 409 naming the status reason', async () => {
    const { conversationId } = await startConversation(app, s);
    const response = await app.post(
      '/channel-events',
      voiceTransferred(conversationId, s.agentIds[0], { toExternalNumber: '+4512345678' }),
    );
    expectError(response, 409, /open/);
    expect(response.body.statusReason).toBe('open');
  });
});

describe('queries', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await scenario(app, { workstream: { wrapUpCapacityBlock: { minutes: 10 } }, agents: 2 });
  });

  it('GET /conversations/{id} answers the contract fields', async () => {
    const { conversationId } = await startConversation(app, s);
    const { position } = await command(app, conversationId, 'pick', s.agentIds[0]);
    const body = await conversation(app, conversationId, position);
    expect(body).toEqual(
      expect.objectContaining({
        id: conversationId,
        channel: 'live_chat',
        workstreamId: s.workstreamId,
        queueId: s.queueId,
        state: 'open',
        statusReason: 'active',
        primaryAgentId: s.agentIds[0],
        accepted: true,
        openedAt: expect.stringMatching(ISO_UTC),
        updatedAt: expect.stringMatching(ISO_UTC),
        closedAt: null,
      }),
    );
    expect(body).not.toHaveProperty('primaryExternalNumber');
    expect(Date.parse(body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(body.openedAt));
  });

  it('GET /conversations/{id} of a closed conversation has state closed and closedAt', async () => {
    const { conversationId } = await startConversation(app, s);
    const position = await send(app, customerEnded(conversationId)); // T3: abandoned before any agent
    expect(await conversation(app, conversationId, position)).toMatchObject({
      state: 'closed',
      statusReason: 'closed',
      closedAt: expect.stringMatching(ISO_UTC),
    });
  });

  it('GET /conversations filters by statusReason, queueId and agentId', async () => {
    const other = await scenario(app, { agents: 1 });
    const open = await startConversation(app, other);
    const active = await startConversation(app, other);
    const { position } = await command(app, active.conversationId, 'pick', other.agentIds[0]);
    const ids = async (query: string) =>
      expectStatus(await app.get<{ id: string }[]>(`/conversations?${query}`, { minPosition: position }), 200).map(
        (c) => c.id,
      );

    expect(await ids(`queueId=${other.queueId}`)).toEqual([open.conversationId, active.conversationId]);
    expect(await ids(`queueId=${other.queueId}&statusReason=open`)).toEqual([open.conversationId]);
    expect(await ids(`queueId=${other.queueId}&statusReason=active`)).toEqual([active.conversationId]);
    expect(await ids(`agentId=${other.agentIds[0]}`)).toEqual([active.conversationId]);
    expect(await ids(`statusReason=active&agentId=${other.agentIds[0]}`)).toEqual([active.conversationId]);
    const all = expectStatus(await app.get(`/conversations?queueId=${other.queueId}`), 200);
    expect(all[1]).toMatchObject({
      id: active.conversationId,
      statusReason: 'active',
      primaryAgentId: other.agentIds[0],
    });
    expectError(await app.get('/conversations?statusReason=sleeping'), 400, 'statusReason');
  });

  it('GET /conversations/{id}/events is the audit trail, oldest first, with actor and causationId', async () => {
    const conversationId = uniqueId('conv');
    const request = requested(conversationId, s);
    await send(app, request);
    await command(app, conversationId, 'pick', s.agentIds[0]);
    const message = customerMessage(conversationId, 'hi');
    await send(app, message);
    const { position } = await command(app, conversationId, 'end', s.agentIds[0]);

    const events = expectStatus(
      await app.get<any[]>(`/conversations/${conversationId}/events`, { minPosition: position }),
      200,
    );
    const positions = events.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    expect(new Set(positions).size).toBe(positions.length);
    const conversationEvents = events.filter((e) => e.type.startsWith('conversation.'));
    expect(conversationEvents.map((e) => e.type)).toEqual([
      'conversation.requested',
      'conversation.picked',
      'conversation.customer_message',
      'conversation.ended',
    ]);
    for (const e of events) {
      expect(e.actor).toEqual({
        kind: expect.stringMatching(/^(agent|customer|channel|system)$/),
        id: expect.any(String),
      });
    }
    const [req, pick, msg, end] = conversationEvents;
    expect(req).toMatchObject({ actor: { kind: 'customer' }, causationId: request.eventId });
    expect(msg).toMatchObject({ actor: { kind: 'customer' }, causationId: message.eventId });
    expect(pick).toMatchObject({ actor: { kind: 'agent', id: s.agentIds[0] } });
    expect(pick).not.toHaveProperty('causationId');
    expect(end).toMatchObject({ actor: { kind: 'agent', id: s.agentIds[0] } });
    expect(events[events.length - 1].position).toBe(position);
    expectError(await app.get(`/conversations/${uniqueId('nope')}/events`), 404);
  });

  it('GET /conversations/{id}/transcript has customer and agent messages, oldest first', async () => {
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', s.agentIds[0]);
    await send(app, customerMessage(conversationId, 'my order is late'));
    await command(app, conversationId, 'messages', s.agentIds[0], { text: 'let me check' });
    const last = await send(app, customerMessage(conversationId, 'thanks'));
    const transcript = expectStatus(
      await app.get<any[]>(`/conversations/${conversationId}/transcript`, { minPosition: last }),
      200,
    );
    expect(transcript.map((m) => [m.sender, m.text])).toEqual([
      ['customer', 'my order is late'],
      ['agent', 'let me check'],
      ['customer', 'thanks'],
    ]);
    expect(transcript[1].agentId).toBe(s.agentIds[0]);
    expectError(await app.get(`/conversations/${uniqueId('nope')}/transcript`), 404);
  });

  it('GET /agents/{id}/capacity has totals and holds, active and wrap_up with until', async () => {
    const agentId = await createAgent(app, { capacityUnits: 5, queueIds: [s.queueId] });
    const idle = await capacity(app, agentId);
    expect(idle).toEqual({ agentId, totalUnits: 5, usedUnits: 0, freeUnits: 5, holds: [] });

    const first = await startConversation(app, s);
    const second = await startConversation(app, s);
    await command(app, first.conversationId, 'pick', agentId);
    await command(app, second.conversationId, 'pick', agentId);
    const ended = await command(app, second.conversationId, 'end', agentId);
    const held = await capacity(app, agentId, ended.position);
    expect(held).toMatchObject({ agentId, totalUnits: 5, usedUnits: 2, freeUnits: 3 });
    expect(held.holds).toHaveLength(2);
    expect(held.holds).toEqual(
      expect.arrayContaining([
        { conversationId: first.conversationId, units: 1, reason: 'active' },
        { conversationId: second.conversationId, units: 1, reason: 'wrap_up', until: expect.stringMatching(ISO_UTC) },
      ]),
    );
    const events = expectStatus(
      await app.get<any[]>(`/conversations/${second.conversationId}/events`, { minPosition: ended.position }),
      200,
    );
    const endedAt = Date.parse(events.find((e) => e.type === 'conversation.ended').at);
    const until = held.holds.find((h) => h.reason === 'wrap_up')!.until!;
    expect(Date.parse(until) - endedAt).toBe(10 * 60 * 1000);
    expectError(await app.get(`/agents/${uniqueId('nobody')}/capacity`), 404);
  });

  it('GET /queues/{id}/open lists open conversations in arrival order with position', async () => {
    const queue = await scenario(app, { workstream: { channel: 'sms' } });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await startConversation(app, queue)).conversationId);
    const { position } = await command(app, ids[1], 'pick', queue.agentIds[0]);
    const open = expectStatus(await app.get<any[]>(`/queues/${queue.queueId}/open`, { minPosition: position }), 200);
    expect(open.map((c) => [c.id, c.position])).toEqual([
      [ids[0], 1],
      [ids[2], 2],
      [ids[3], 3],
    ]);
    expect(open[0]).toMatchObject({ channel: 'sms', queueId: queue.queueId, statusReason: 'open' });
    // back in the queue (T8): it arrives again, so it is last
    const released = await command(app, ids[1], 'release', queue.agentIds[0]);
    const again = expectStatus(
      await app.get<any[]>(`/queues/${queue.queueId}/open`, { minPosition: released.position }),
      200,
    );
    expect(again.map((c) => c.id)).toEqual([ids[0], ids[2], ids[3], ids[1]]);
    expectError(await app.get(`/queues/${uniqueId('noq')}/open`), 404);
  });

  it('GET /queues/{id}/open gives live chats an estimatedWaitSeconds, a number once one has been assigned', async () => {
    const chat = await scenario(app, { workstream: { channel: 'live_chat' } });
    const ids = [
      (await startConversation(app, chat)).conversationId,
      (await startConversation(app, chat)).conversationId,
    ];
    const last = await startConversation(app, chat);
    const before = expectStatus(
      await app.get<any[]>(`/queues/${chat.queueId}/open`, { minPosition: last.position }),
      200,
    );
    for (const item of before) expect(item).toHaveProperty('estimatedWaitSeconds');
    const { position } = await command(app, ids[0], 'pick', chat.agentIds[0]);
    const after = expectStatus(await app.get<any[]>(`/queues/${chat.queueId}/open`, { minPosition: position }), 200);
    expect(after.map((c) => [c.id, c.position])).toEqual([
      [ids[1], 1],
      [last.conversationId, 2],
    ]);
    for (const item of after) expect(item.estimatedWaitSeconds).toBeGreaterThanOrEqual(0);
  });

  it('GET /queues/{id}/open lists persistent chats in arrival order without position or wait estimate (nobody waits on them)', async () => {
    const persistent = await scenario(app, { workstream: { channel: 'persistent_chat' }, agents: 0 });
    const first = await startConversation(app, persistent);
    const second = await startConversation(app, persistent);
    const open = expectStatus(
      await app.get<any[]>(`/queues/${persistent.queueId}/open`, { minPosition: second.position }),
      200,
    );
    expect(open.map((c) => c.id)).toEqual([first.conversationId, second.conversationId]);
    for (const item of open) {
      expect(item).not.toHaveProperty('position');
      expect(item).not.toHaveProperty('estimatedWaitSeconds');
    }
  });

  it('X-Min-Position: a read with the position a command answered sees that write', async () => {
    const agentId = s.agentIds[1];
    for (let i = 0; i < 15; i++) {
      const { conversationId, position: requestedAt } = await startConversation(app, s);
      expect(await conversation(app, conversationId, requestedAt)).toMatchObject({ statusReason: 'open' });
      const picked = await command(app, conversationId, 'pick', agentId);
      expect(await conversation(app, conversationId, picked.position)).toMatchObject({
        statusReason: 'active',
        primaryAgentId: agentId,
      });
      const ended = await command(app, conversationId, 'end', agentId);
      expect(await capacity(app, agentId, ended.position)).toMatchObject({ usedUnits: 1 });
      const closed = await command(app, conversationId, 'close-session', agentId);
      expect(await conversation(app, conversationId, closed.position)).toMatchObject({ statusReason: 'closed' });
      expect(await capacity(app, agentId, closed.position)).toMatchObject({ usedUnits: 0 });
    }
    expectError(await app.get(`/conversations?statusReason=open`, { minPosition: -1 }), 400);
  });
  it('X-Min-Position: a read asking for a position not yet written waits for it instead of answering stale data', async () => {
    const agentId = await createAgent(app, { queueIds: [s.queueId] });
    const { conversationId, position } = await startConversation(app, s);
    // A pick writes two events (conversation.picked, agent.capacity_held): the first lands at or after position + 1.
    const pending = app.get(`/conversations/${conversationId}`, { minPosition: position + 2 });
    expect((await app.get('/health')).status).toBe(200); // one round trip: the read above is at the server now
    const picked = await command(app, conversationId, 'pick', agentId);
    expect(picked.position).toBeGreaterThanOrEqual(position + 2);
    expect(await pending).toMatchObject({ status: 200, body: { statusReason: 'active', primaryAgentId: agentId } });
  });
});

describe('bad input never becomes a 500', () => {
  it('null where an id or a number belongs answers 400 naming the field', async () => {
    const s = await scenario(app);
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', s.agentIds[0]);
    expectError(
      await app.post(`/conversations/${conversationId}/transfer`, { agentId: s.agentIds[0], toQueueId: null }),
      400,
      /toQueueId/,
    );
    const byTelephony = channelEvent('voice.transferred', conversationId, {
      byAgentId: s.agentIds[0],
      toAgentId: null,
    });
    expectError(await app.post('/channel-events', byTelephony), 400, /payload\.toAgentId/);
    expect(await conversation(app, conversationId)).toMatchObject({
      statusReason: 'active',
      primaryAgentId: s.agentIds[0],
    });
  });

  it('timeouts beyond ten years and a customer that is not an object answer 400', async () => {
    expectError(
      await app.put(`/workstreams/${uniqueId('ws')}`, workstreamBody({ waitingInactivityTimeoutSeconds: 1e13 })),
      400,
      /waitingInactivityTimeoutSeconds/,
    );
    expectError(
      await app.put(`/workstreams/${uniqueId('ws')}`, { ...workstreamBody(), autoCloseSeconds: { open: 1e300 } }),
      400,
      /autoCloseSeconds\.open/,
    );
    const s = await scenario(app, { agents: 0 });
    const event = requested(uniqueId('conv'), s);
    expectError(
      await app.post('/channel-events', { ...event, payload: { ...event.payload, customer: [] } }),
      400,
      /payload\.customer/,
    );
  });

  it('a body too large answers 413 in the error format', async () => {
    expectError(await app.post('/channel-events', { filler: 'x'.repeat(200_000) }), 413);
  });
});

describe('service endpoints', () => {
  it('GET /health answers 200', async () => {
    expect((await app.get('/health')).status).toBe(200);
  });

  it('POST /test/clock/advance does not exist without the manual clock (404)', async () => {
    expect((await app.post('/test/clock/advance', { seconds: 60 })).status).toBe(404);
  });
});
