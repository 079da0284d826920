import { AppProcess, expectStatus, stopAndClean } from '../support/app-process';
import {
  Capacity,
  Route,
  capacity,
  conversation,
  createAgent,
  customerDisconnected,
  customerMessage,
  eventTypes,
  requested,
  scenario,
  send,
  startConversation,
  uniqueId,
} from '../support/fixtures';

/** "No agent is ever assigned beyond their capacity, even when many assignments race." */

let app: AppProcess;

beforeAll(async () => {
  app = await AppProcess.start();
});

afterAll(() => stopAndClean(app));

it.each([1, 2, 3])(
  'round %i: ten agents pick one conversation at once: exactly one wins, nine get 409, capacity is held once',
  async () => {
    const s = await scenario(app, { workstream: { capacityUnits: 2 }, agents: 10, agentCapacity: 4 });
    const { conversationId } = await startConversation(app, s);

    const answers = await Promise.all(
      s.agentIds.map((agentId) => app.post(`/conversations/${conversationId}/pick`, { agentId })),
    );

    const winners = s.agentIds.filter((_, i) => answers[i].status === 200);
    expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array(9).fill(409)]);
    for (const lost of answers.filter((a) => a.status === 409)) expect(lost.body.statusReason).toBe('active');
    const position = Math.max(...answers.filter((a) => a.status === 200).map((a) => a.body.position));

    expect(await app.get(`/conversations/${conversationId}`, { minPosition: position })).toMatchObject({
      body: { statusReason: 'active', primaryAgentId: winners[0] },
    });
    const capacities = await Promise.all(s.agentIds.map((id) => capacity(app, id, position)));
    expect(capacities.map((c) => c.usedUnits).reduce((a, b) => a + b)).toBe(2);
    expect(capacities.find((c) => c.agentId === winners[0])).toMatchObject({
      usedUnits: 2,
      holds: [{ conversationId, units: 2, reason: 'active' }],
    });
    const types = await eventTypes(app, conversationId, position);
    expect(types.filter((t) => t === 'conversation.picked')).toHaveLength(1);
    expect(types.filter((t) => t === 'agent.capacity_held')).toHaveLength(1);
  },
);

it('one agent with capacity 2 picks five conversations at once: exactly two succeed, never beyond capacity', async () => {
  const s = await scenario(app, { workstream: { capacityUnits: 1 }, agents: 0 });
  const agentId = await createAgent(app, { capacityUnits: 2, queueIds: [s.queueId] });
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await startConversation(app, s)).conversationId);

  // Watch the capacity read model while the race runs: it must never show more than the total.
  const observed: Capacity[] = [];
  let racing = true;
  const watcher = (async () => {
    while (racing) observed.push(await capacity(app, agentId));
  })();
  const answers = await Promise.all(ids.map((id) => app.post(`/conversations/${id}/pick`, { agentId })));
  racing = false;
  await watcher;

  expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 409, 409, 409]);
  const won = ids.filter((_, i) => answers[i].status === 200);
  const position = Math.max(...answers.filter((a) => a.status === 200).map((a) => a.body.position));

  const after = await capacity(app, agentId, position);
  expect(after).toMatchObject({ totalUnits: 2, usedUnits: 2, freeUnits: 0 });
  expect(after.holds.map((h) => h.conversationId).sort()).toEqual([...won].sort());
  for (const c of [...observed, after]) {
    expect(c.usedUnits).toBeLessThanOrEqual(c.totalUnits);
    expect(c.freeUnits).toBeGreaterThanOrEqual(0);
  }
  const active = expectStatus(
    await app.get<{ id: string }[]>(`/conversations?agentId=${agentId}&statusReason=active`, { minPosition: position }),
    200,
  );
  expect(active.map((c) => c.id).sort()).toEqual([...won].sort());
  const open = expectStatus(
    await app.get<{ id: string }[]>(`/queues/${s.queueId}/open`, { minPosition: position }),
    200,
  );
  expect(open).toHaveLength(3);
});

it.each([
  ['conversation.requested', 'conversation.requested', (route: Route, id: string) => requested(id, route)],
  [
    'customer.message',
    'conversation.customer_message',
    (_route: Route, id: string) => customerMessage(id, 'sent once, delivered five times'),
  ],
])(
  '%s delivered five times at once is applied once: one {position}, four {duplicate: true}',
  async (type, recordedAs, build) => {
    const s = await scenario(app, { agents: 0 });
    const conversationId = uniqueId('conv');
    if (type !== 'conversation.requested') await send(app, requested(conversationId, s));
    const event = build(s, conversationId);

    const answers = await Promise.all(Array.from({ length: 5 }, () => app.post('/channel-events', event)));

    for (const answer of answers) expect(answer.status).toBe(202);
    const applied = answers.filter((a) => a.body.duplicate !== true);
    expect(applied).toHaveLength(1);
    expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(4);
    const types = await eventTypes(app, conversationId, applied[0].body.position);
    expect(types.filter((t) => t === recordedAs)).toHaveLength(1);
  },
);

it("picks racing the customer's disconnect leave capacity held exactly when the conversation holds it", async () => {
  const s = await scenario(app, {
    workstream: { channel: 'live_chat', wrapUpCapacityBlock: 'always' },
    agents: 10,
    agentCapacity: 1,
  });
  const ids: string[] = [];
  for (let i = 0; i < s.agentIds.length; i++) ids.push((await startConversation(app, s)).conversationId);

  const answers = await Promise.all(
    ids.flatMap((id, i) => [
      app.post(`/conversations/${id}/pick`, { agentId: s.agentIds[i] }),
      app.post('/channel-events', customerDisconnected(id)),
    ]),
  );
  for (const answer of answers) expect([200, 202, 409]).toContain(answer.status);
  const position = Math.max(...answers.map((a) => a.body.position ?? 0));

  for (const [i, id] of ids.entries()) {
    const { statusReason } = await conversation(app, id, position);
    const held = await capacity(app, s.agentIds[i], position);
    // picked first → T6 → wrap_up (blocked: always); disconnected first → T3 → closed, nothing held
    expect(['wrap_up', 'closed']).toContain(statusReason);
    expect({ id, statusReason, holds: held.holds.map((h) => h.conversationId) }).toEqual({
      id,
      statusReason,
      holds: statusReason === 'wrap_up' ? [id] : [],
    });
  }
});
