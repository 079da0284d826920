import { AppProcess, expectStatus, pollUntil, stopAndClean } from '../support/app-process';
import {
  agentDisconnected,
  agentReconnected,
  capacity,
  command,
  conversation,
  customerMessage,
  eventTypes,
  scenario,
  send,
  startConversation,
  units,
} from '../support/fixtures';

/**
 * Timeouts driven by the manual test clock (contract section 4). Each timer is also checked across a
 * restart of the process between the moment it is set and the moment it falls due: the timer must
 * survive in the data directory, not only in memory.
 */

const START = '2030-01-07T09:00:00.000Z';

let app: AppProcess;
/** The manual clock's time, as the service last reported it. */
let now = Date.parse(START);

beforeAll(async () => {
  app = await AppProcess.start({ env: { OMNICHANNEL_TEST_CLOCK: 'manual', OMNICHANNEL_TEST_CLOCK_START: START } });
});

afterAll(() => stopAndClean(app));

/** POST /test/clock/advance; returns the position to read at to see whatever fired. */
async function advance(seconds: number): Promise<number> {
  const body = expectStatus(await app.post<{ now: string; position: number }>('/test/clock/advance', { seconds }), 200);
  expect(Date.parse(body.now)).toBe(now + seconds * 1000);
  now = Date.parse(body.now);
  return body.position;
}

/** SIGTERM and start again on the same data directory, the clock going on from where it was. */
async function restart(): Promise<void> {
  await app.stop();
  app = await app.restart({ OMNICHANNEL_TEST_CLOCK_START: new Date(now).toISOString() });
}

const lastConversationEvent = async (conversationId: string, minPosition: number) => {
  const events = expectStatus(await app.get<any[]>(`/conversations/${conversationId}/events`, { minPosition }), 200);
  return events.filter((e) => e.type.startsWith('conversation.')).pop();
};

it('the manual clock starts at OMNICHANNEL_TEST_CLOCK_START', async () => {
  const s = await scenario(app);
  const { conversationId, position } = await startConversation(app, s);
  expect((await conversation(app, conversationId, position)).openedAt).toBe(new Date(now).toISOString());
});

describe.each([
  ['', false],
  [' (across a restart)', true],
])('timers%s', (_title, restartBetween) => {
  const maybeRestart = () => (restartBetween ? restart() : Promise.resolve());

  it('T7: the agent disconnects and does not come back within the timeout → open, capacity released', async () => {
    const s = await scenario(app, { workstream: { agentDisconnectTimeoutSeconds: 30 } });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', agent);
    await send(app, agentDisconnected(conversationId, agent));
    await maybeRestart();

    const early = await advance(29);
    expect(await conversation(app, conversationId, early)).toMatchObject({
      statusReason: 'active',
      primaryAgentId: agent,
    });
    expect(await units(app, agent, early)).toEqual({ used: 1, free: 2 });

    const due = await advance(1);
    expect(await conversation(app, conversationId, due)).toMatchObject({ statusReason: 'open', primaryAgentId: null });
    expect(await units(app, agent, due)).toEqual({ used: 0, free: 3 });
    expect(await lastConversationEvent(conversationId, due)).toMatchObject({
      type: 'conversation.returned_to_queue',
      actor: { kind: 'system' },
      at: new Date(now).toISOString(),
    });
  });

  it('T7 does not fire when agent.reconnected arrives in time', async () => {
    const s = await scenario(app, { workstream: { agentDisconnectTimeoutSeconds: 30 } });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', agent);
    await send(app, agentDisconnected(conversationId, agent));
    await advance(20);
    await send(app, agentReconnected(conversationId, agent));
    await maybeRestart();

    const later = await advance(60);
    expect(await conversation(app, conversationId, later)).toMatchObject({
      statusReason: 'active',
      primaryAgentId: agent,
    });
    expect(await units(app, agent, later)).toEqual({ used: 1, free: 2 });
  });

  it('T15: a waiting conversation nobody is active in closes after the inactivity timeout', async () => {
    const s = await scenario(app, { workstream: { channel: 'persistent_chat', waitingInactivityTimeoutSeconds: 120 } });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', agent);
    await command(app, conversationId, 'close-session', agent);
    await maybeRestart();

    const early = await advance(119);
    expect(await conversation(app, conversationId, early)).toMatchObject({ statusReason: 'waiting' });
    const due = await advance(1);
    expect(await conversation(app, conversationId, due)).toMatchObject({
      state: 'closed',
      statusReason: 'closed',
      closedAt: new Date(now).toISOString(),
    });
    expect(await lastConversationEvent(conversationId, due)).toMatchObject({
      type: 'conversation.closed',
      actor: { kind: 'system' },
    });
  });

  it('T15 does not fire when the customer writes within the timeout (T17)', async () => {
    const s = await scenario(app, { workstream: { channel: 'persistent_chat', waitingInactivityTimeoutSeconds: 120 } });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', agent);
    await command(app, conversationId, 'close-session', agent);
    await advance(100);
    await send(app, customerMessage(conversationId, 'back again'));
    await maybeRestart();

    const later = await advance(120);
    expect(await conversation(app, conversationId, later)).toMatchObject({ statusReason: 'open' });
  });

  it('a wrap-up block of {minutes: 2} releases the capacity when it expires; wrap_up goes on', async () => {
    const s = await scenario(app, {
      workstream: { channel: 'sms', wrapUpCapacityBlock: { minutes: 2 }, capacityUnits: 2 },
    });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', agent);
    const ended = await command(app, conversationId, 'end', agent);
    expect((await capacity(app, agent, ended.position)).holds).toEqual([
      { conversationId, units: 2, reason: 'wrap_up', until: new Date(now + 120_000).toISOString() },
    ]);
    await maybeRestart();

    const early = await advance(119);
    expect(await capacity(app, agent, early)).toMatchObject({ usedUnits: 2, freeUnits: 1 });
    const due = await advance(1);
    expect(await capacity(app, agent, due)).toMatchObject({ usedUnits: 0, freeUnits: 3, holds: [] });
    expect(await conversation(app, conversationId, due)).toMatchObject({ statusReason: 'wrap_up' });
    const closed = await command(app, conversationId, 'close-session', agent);
    expect(closed.statusReason).toBe('closed');
    expect(await capacity(app, agent, closed.position)).toMatchObject({ usedUnits: 0, freeUnits: 3 });
  });

  it('the wrap-up block is cancelled by closing first: capacity released at close, nothing fires later', async () => {
    const s = await scenario(app, { workstream: { channel: 'sms', wrapUpCapacityBlock: { minutes: 2 } } });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', agent);
    await command(app, conversationId, 'end', agent);
    const closed = await command(app, conversationId, 'close-session', agent);
    expect(await units(app, agent, closed.position)).toEqual({ used: 0, free: 3 });
    await maybeRestart();

    const later = await advance(300);
    expect(await eventTypes(app, conversationId, later)).not.toContain('conversation.wrap_up_block_expired');
  });

  it('offer timeout: a pushed conversation not accepted in time goes back to open and its capacity is released', async () => {
    const s = await scenario(app, { workstream: { distribution: 'push', offerTimeoutSeconds: 30 } });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await pollUntil('the offer', async () =>
      (await conversation(app, conversationId)).statusReason === 'active' ? true : undefined,
    );
    await maybeRestart();

    const early = await advance(29);
    expect(await conversation(app, conversationId, early)).toMatchObject({
      statusReason: 'active',
      accepted: false,
      primaryAgentId: agent,
    });
    const due = await advance(1);
    const trail = expectStatus(
      await app.get<any[]>(`/conversations/${conversationId}/events`, { minPosition: due }),
      200,
    );
    expect(trail.find((e) => e.type === 'conversation.assignment_rejected')).toMatchObject({
      data: { agentId: agent, reason: 'offer_timeout' },
      actor: { kind: 'system' },
    });
    // The only agent declined it: it stays open (nobody else to try).
    expect(await conversation(app, conversationId, due)).toMatchObject({ statusReason: 'open', primaryAgentId: null });
    expect(await units(app, agent, due)).toEqual({ used: 0, free: 3 });
  });

  it('the offer timeout is cancelled by accepting in time', async () => {
    const s = await scenario(app, { workstream: { distribution: 'push', offerTimeoutSeconds: 30 } });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await pollUntil('the offer', async () =>
      (await conversation(app, conversationId)).statusReason === 'active' ? true : undefined,
    );
    await advance(20);
    await command(app, conversationId, 'accept', agent);
    await maybeRestart();

    const later = await advance(60);
    expect(await conversation(app, conversationId, later)).toMatchObject({
      statusReason: 'active',
      accepted: true,
      primaryAgentId: agent,
    });
    expect(await eventTypes(app, conversationId, later)).not.toContain('conversation.assignment_rejected');
  });

  it('auto-close: a live chat left in wrap-up closes after 15 minutes, releasing the agent', async () => {
    const s = await scenario(app, { workstream: { channel: 'live_chat', wrapUpCapacityBlock: 'always' } });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', agent);
    await command(app, conversationId, 'end', agent);
    await maybeRestart();

    const early = await advance(15 * 60 - 1);
    expect(await conversation(app, conversationId, early)).toMatchObject({ statusReason: 'wrap_up' });
    const due = await advance(1);
    expect(await conversation(app, conversationId, due)).toMatchObject({ statusReason: 'closed' });
    expect(await lastConversationEvent(conversationId, due)).toMatchObject({
      type: 'conversation.closed',
      data: { reason: 'auto_closed' },
      actor: { kind: 'system' },
    });
    expect(await units(app, agent, due)).toEqual({ used: 0, free: 3 });
  });
});
