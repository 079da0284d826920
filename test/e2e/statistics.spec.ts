import { AppProcess, expectStatus, pollUntil, stopAndClean } from '../support/app-process';
import { command, createAgent, scenario, send, customerEnded, startConversation } from '../support/fixtures';

/** The supervisor's statistics as JSON and as a Server-Sent Events stream, on the manual clock. */

let app: AppProcess;

beforeAll(async () => {
  app = await AppProcess.start({
    env: { OMNICHANNEL_TEST_CLOCK: 'manual', OMNICHANNEL_TEST_CLOCK_START: '2026-11-21T10:00:00.000Z' },
  });
});

afterAll(() => stopAndClean(app));

const advance = async (seconds: number) =>
  expectStatus(await app.post<{ position: number }>('/test/clock/advance', { seconds }), 200);

const queueStatistics = async (queueId: string, minPosition?: number) => {
  const body = expectStatus(await app.get('/statistics/queues', { minPosition }), 200);
  return body.queues.find((q: { queueId: string }) => q.queueId === queueId);
};

it('measures waits, answers, abandonments and service level against the workstream threshold', async () => {
  const s = await scenario(app, {
    workstream: { channel: 'live_chat', distribution: 'pick', serviceLevelThresholdSeconds: 15 },
    agentCapacity: 3,
  });
  const [agent] = s.agentIds;
  const first = await startConversation(app, s);
  const second = await startConversation(app, s);
  await advance(10);
  await command(app, first.conversationId, 'pick', agent);
  await advance(20);
  const abandoned = await send(app, customerEnded(second.conversationId));
  expect(await queueStatistics(s.queueId, abandoned)).toMatchObject({
    waiting: 0,
    longestWaitSeconds: null,
    assigned: 1,
    abandoned: 1,
    averageSpeedToAnswerSeconds: 10,
    assignedWithinThreshold: 1,
    serviceLevel: 0.5,
  });

  const third = await startConversation(app, s);
  await advance(40);
  expect(await queueStatistics(s.queueId, third.position)).toMatchObject({ waiting: 1, longestWaitSeconds: 40 });
  const picked = await command(app, third.conversationId, 'pick', agent);
  expect(await queueStatistics(s.queueId, picked.position)).toMatchObject({
    assigned: 2,
    averageSpeedToAnswerSeconds: 25,
    serviceLevel: 0.333,
  });

  // Sixteen minutes on, the window is empty again.
  await advance(16 * 60);
  expect(await queueStatistics(s.queueId)).toMatchObject({ assigned: 0, abandoned: 0, serviceLevel: null });
  const history = expectStatus(await app.get('/statistics/queues/history'), 200);
  expect(history.minutes).toHaveLength(60);
  const own = history.queues.find((q: { queueId: string }) => q.queueId === s.queueId);
  // At the end of 10:00 the third conversation waited; by the end of 10:01 it was picked.
  expect(own.waiting.slice(-18, -16)).toEqual([1, 0]);
  expect(own.serviceLevel.slice(-18, -16)).toEqual([0.5, 0.333]);
});

it('pages through agents and conversations, with filters', async () => {
  const s = await scenario(app, { workstream: { channel: 'sms', distribution: 'pick' }, agents: 0 });
  const agents = [];
  for (let i = 0; i < 3; i++)
    agents.push(await createAgent(app, { id: `${s.queueId}-agent-${i}`, queueIds: [s.queueId] }));
  const started = [];
  for (let i = 0; i < 3; i++) started.push(await startConversation(app, s));
  const picked = await command(app, started[0].conversationId, 'pick', agents[0]);

  const page1 = expectStatus(
    await app.get(`/statistics/conversations/list?queueId=${s.queueId}&limit=2`, { minPosition: picked.position }),
    200,
  );
  expect(page1.total).toBe(3);
  expect(page1.items.map((c: { id: string }) => c.id)).toEqual([started[2].conversationId, started[1].conversationId]);
  const page2 = expectStatus(
    await app.get(`/statistics/conversations/list?queueId=${s.queueId}&limit=2&cursor=${page1.nextCursor}`),
    200,
  );
  expect(page2).toMatchObject({ nextCursor: null, items: [{ id: started[0].conversationId, statusReason: 'active' }] });
  const byAgent = expectStatus(await app.get(`/statistics/conversations/list?agentId=${agents[0]}`), 200);
  expect(byAgent.items.map((c: { id: string }) => c.id)).toEqual([started[0].conversationId]);

  const agentPage = expectStatus(
    await app.get(`/statistics/agents?limit=2&cursor=${s.queueId}-agent-0`, { minPosition: picked.position }),
    200,
  );
  expect(agentPage.items.map((a: { agentId: string }) => a.agentId).slice(0, 2)).toEqual([agents[1], agents[2]]);
  const holder = expectStatus(await app.get(`/statistics/agents?limit=1&cursor=${s.queueId}-agent-`), 200);
  expect(holder.items[0]).toMatchObject({
    agentId: agents[0],
    presence: 'available',
    usedUnits: 1,
    holds: [{ conversationId: started[0].conversationId, reason: 'active' }],
  });
});

it('counts conversations by status reason, offers apart', async () => {
  const s = await scenario(app, { workstream: { channel: 'live_chat', distribution: 'push' } });
  const before = expectStatus(await app.get('/statistics/conversations'), 200);
  const { conversationId, position } = await startConversation(app, s);
  const offered = await pollUntil('the push assignment', async () => {
    const c = expectStatus(await app.get(`/conversations/${conversationId}`, { minPosition: position }), 200);
    return c.statusReason === 'active' ? c : undefined;
  });
  expect(offered.accepted).toBe(false);
  const after = expectStatus(await app.get('/statistics/conversations'), 200);
  expect(after.activeNotAccepted).toBe(before.activeNotAccepted + 1);
  expect(after.byStatusReason.active).toBe(before.byStatusReason.active);
});

it('answers 400 for a bad filter, page size or service-level threshold', async () => {
  for (const path of [
    '/statistics/agents?presence=sleeping',
    '/statistics/agents?limit=0',
    '/statistics/conversations/list?limit=201',
    '/statistics/conversations/list?statusReason=lost',
    '/statistics/conversations/list?cursor=abc',
  ]) {
    expect((await app.get(path)).status).toBe(400);
  }
  const workstream = { channel: 'sms', distribution: 'pick', capacityUnits: 1, wrapUpCapacityBlock: 'never' };
  for (const serviceLevelThresholdSeconds of [0, 3601, 'soon'])
    expect(await app.put('/workstreams/ws-threshold', { ...workstream, serviceLevelThresholdSeconds })).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('serviceLevelThresholdSeconds') },
    });
});

it('streams the figures now, then an update after a change', async () => {
  const s = await scenario(app, { workstream: { channel: 'sms', distribution: 'pick' } });
  const controller = new AbortController();
  const response = await fetch(`${app.baseUrl}/statistics/stream`, { signal: controller.signal });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const nextMessage = async () => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = message.split('\n').find((line) => line.startsWith('data: '));
        if (data) return JSON.parse(data.slice('data: '.length));
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      buffer += value;
    }
  };
  try {
    const first = await nextMessage();
    expect(first).toMatchObject({ queues: expect.any(Array), conversations: { byStatusReason: expect.any(Object) } });
    expect(first.queues.find((q: { queueId: string }) => q.queueId === s.queueId)).toMatchObject({ waiting: 0 });
    const { conversationId } = await startConversation(app, s);
    let update = await nextMessage();
    while (!update.changed.conversationIds.includes(conversationId)) update = await nextMessage();
    expect(update.queues.find((q: { queueId: string }) => q.queueId === s.queueId)).toMatchObject({ waiting: 1 });
  } finally {
    controller.abort();
  }
});
