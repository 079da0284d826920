import { AppProcess, expectStatus } from '../support/app-process';
import { Capacity, capacity, createAgent, eventTypes, scenario, startConversation } from '../support/fixtures';

/** "No agent is ever assigned beyond their capacity, even when many assignments race." */

let app: AppProcess;

beforeAll(async () => {
  app = await AppProcess.start();
});

afterAll(async () => {
  await app?.stop();
  app?.removeDataDir();
});

it('ten agents pick one conversation at once: exactly one wins, nine get 409, capacity is held once', async () => {
  const s = await scenario(app, { workstream: { capacityUnits: 2 }, agents: 10, agentCapacity: 4 });
  const { conversationId } = await startConversation(app, s);

  const answers = await Promise.all(s.agentIds.map((agentId) => app.post(`/conversations/${conversationId}/pick`, { agentId })));

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
});

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
  const active = expectStatus(await app.get<{ id: string }[]>(`/conversations?agentId=${agentId}&statusReason=active`, { minPosition: position }), 200);
  expect(active.map((c) => c.id).sort()).toEqual([...won].sort());
  const open = expectStatus(await app.get<{ id: string }[]>(`/queues/${s.queueId}/open`, { minPosition: position }), 200);
  expect(open).toHaveLength(3);
});
