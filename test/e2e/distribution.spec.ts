import { AppProcess, expectStatus, pollUntil, stopAndClean } from '../support/app-process';
import {
  Scenario,
  command,
  conversation,
  createAgent,
  customerMessage,
  requested,
  scenario,
  send,
  startConversation,
  uniqueId,
  units,
} from '../support/fixtures';

/**
 * Push distribution, offers, keep-same-agent, operating hours and auto-close over HTTP with the manual clock
 * (contract sections 3 and 4). The clock starts on Saturday 28 March 2026, 08:00 in Copenhagen (CET, UTC+1);
 * summer time begins the next night (02:00 → 03:00, UTC+2).
 */
const START = '2026-03-28T07:00:00.000Z';

let app: AppProcess;

beforeAll(async () => {
  app = await AppProcess.start({ env: { OMNICHANNEL_TEST_CLOCK: 'manual', OMNICHANNEL_TEST_CLOCK_START: START } });
});

afterAll(() => stopAndClean(app));

async function advance(seconds: number): Promise<{ now: string; position: number }> {
  return expectStatus(await app.post<{ now: string; position: number }>('/test/clock/advance', { seconds }), 200);
}

const assignedTo = (conversationId: string, agentId?: string) =>
  pollUntil(`${conversationId} assigned${agentId ? ` to ${agentId}` : ''}`, async () => {
    const c = await conversation(app, conversationId);
    return c.statusReason === 'active' && (!agentId || c.primaryAgentId === agentId) ? c : undefined;
  });

const push = (overrides = {}) => ({ distribution: 'push' as const, offerTimeoutSeconds: 30, ...overrides });

describe('push distribution', () => {
  it('offers an open conversation to the queue member with the most free capacity; it is active but not accepted', async () => {
    const s = await scenario(app, { workstream: push(), agents: 0 });
    const small = await createAgent(app, { capacityUnits: 2, queueIds: [s.queueId] });
    const large = await createAgent(app, { capacityUnits: 5, queueIds: [s.queueId] });
    await createAgent(app, { capacityUnits: 9, queueIds: [s.queueId], presence: 'away' });
    await createAgent(app, { capacityUnits: 9, queueIds: [await createQueueOnly()] });
    const { conversationId } = await startConversation(app, s);
    const offered = await assignedTo(conversationId, large);
    expect(offered.accepted).toBe(false);
    expect(await units(app, large)).toEqual({ used: 1, free: 4 });
    expect(await units(app, small)).toEqual({ used: 0, free: 2 });
    const accepted = await command(app, conversationId, 'accept', large);
    expect(await conversation(app, conversationId, accepted.position)).toMatchObject({
      statusReason: 'active',
      accepted: true,
    });
  });

  it('takes the oldest open conversation first', async () => {
    const s = await scenario(app, { workstream: push(), agents: 0 });
    const waiting = [await startConversation(app, s), await startConversation(app, s), await startConversation(app, s)];
    const agent = await createAgent(app, { capacityUnits: 1, queueIds: [s.queueId] });
    await assignedTo(waiting[0].conversationId, agent);
    const open = expectStatus(await app.get<any[]>(`/queues/${s.queueId}/open`), 200);
    expect(open.map((c) => c.id)).toEqual([waiting[1].conversationId, waiting[2].conversationId]);
  });

  it('breaks ties in free capacity round-robin: the agent assigned least recently', async () => {
    const s = await scenario(app, { workstream: push(), agents: 2, agentCapacity: 3 });
    const assigned: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { conversationId } = await startConversation(app, s);
      assigned.push((await assignedTo(conversationId)).primaryAgentId);
    }
    // Equal free capacity at the 1st and 3rd; the 2nd and 4th go to whoever has more room.
    expect(assigned[1]).not.toBe(assigned[0]);
    expect(assigned[2]).toBe(assigned[0]);
    expect(assigned[3]).toBe(assigned[1]);
    for (const agentId of s.agentIds) expect(await units(app, agentId)).toEqual({ used: 2, free: 1 });
  });

  it('a rejected or unanswered offer goes back to open and the next agent is tried', async () => {
    const s = await scenario(app, { workstream: push({ offerTimeoutSeconds: 30 }), agents: 0 });
    const first = await createAgent(app, { capacityUnits: 3, queueIds: [s.queueId] });
    const { conversationId } = await startConversation(app, s);
    await assignedTo(conversationId, first);
    const second = await createAgent(app, { capacityUnits: 2, queueIds: [s.queueId] });
    await advance(31);
    await assignedTo(conversationId, second);
    expect(await units(app, first)).toEqual({ used: 0, free: 3 });
    const rejected = await command(app, conversationId, 'reject', second);
    expect(await units(app, second, rejected.position)).toEqual({ used: 0, free: 2 });
    const third = await createAgent(app, { capacityUnits: 1, queueIds: [s.queueId] });
    await assignedTo(conversationId, third);
    const trail = expectStatus(await app.get<any[]>(`/conversations/${conversationId}/events`), 200);
    expect(trail.filter((e) => e.type === 'conversation.assignment_rejected').map((e) => e.data.reason)).toEqual([
      'offer_timeout',
      'rejected',
    ]);
    expect(trail.find((e) => e.data.reason === 'offer_timeout').actor.kind).toBe('system');
  });

  it('never pushes an agent above capacity when many conversations arrive at once', async () => {
    const s = await scenario(app, { workstream: push({ capacityUnits: 2 }), agents: 3, agentCapacity: 5 });
    const ids = await Promise.all(Array.from({ length: 12 }, () => startConversation(app, s)));
    await pollUntil('six conversations assigned', async () => {
      const active = expectStatus(await app.get<any[]>(`/conversations?queueId=${s.queueId}&statusReason=active`), 200);
      return active.length === 6 ? active : undefined;
    });
    for (const agentId of s.agentIds) expect(await units(app, agentId)).toEqual({ used: 4, free: 1 });
    const open = expectStatus(await app.get<any[]>(`/queues/${s.queueId}/open`), 200);
    expect(open.map((c) => c.id)).toEqual(ids.slice(6).map((c) => c.conversationId));
  });
});

describe('keep same agent', () => {
  /** A persistent chat its owner accepted and then parked (T11): waiting, the owner its last agent. */
  const parkedPersistentChat = async () => {
    const s = await scenario(app, { workstream: push({ channel: 'persistent_chat', keepSameAgent: true }), agents: 0 });
    const owner = await createAgent(app, { capacityUnits: 2, queueIds: [s.queueId] });
    const { conversationId } = await startConversation(app, s);
    await assignedTo(conversationId, owner);
    await command(app, conversationId, 'accept', owner);
    await command(app, conversationId, 'close-session', owner);
    return { s, owner, conversationId };
  };

  it('a persistent chat that comes back waits for its last agent while they are signed in, even with a freer agent present', async () => {
    const { s, owner, conversationId } = await parkedPersistentChat();
    const freer = await createAgent(app, { capacityUnits: 9, queueIds: [s.queueId] });
    expectStatus(await app.put(`/agents/${owner}/presence`, { status: 'busy' }), 200);
    const back = await send(app, customerMessage(conversationId, 'are you there?'));
    const events = expectStatus(
      await app.get<any[]>(`/conversations/${conversationId}/events`, { minPosition: back }),
      200,
    );
    expect(events.find((e) => e.type === 'conversation.customer_returned').data.agentId).toBe(owner);
    expect(await conversation(app, conversationId)).toMatchObject({ statusReason: 'open' });
    expect(await units(app, freer)).toEqual({ used: 0, free: 9 });
    expectStatus(await app.put(`/agents/${owner}/presence`, { status: 'available' }), 200);
    await assignedTo(conversationId, owner);
  });

  it('goes to someone else once the last agent is offline', async () => {
    const { s, owner, conversationId } = await parkedPersistentChat();
    expectStatus(await app.put(`/agents/${owner}/presence`, { status: 'offline' }), 200);
    const other = await createAgent(app, { capacityUnits: 1, queueIds: [s.queueId] });
    await send(app, customerMessage(conversationId, 'hello again'));
    await assignedTo(conversationId, other);
  });
});

describe('operating hours (Europe/Copenhagen, across the start of summer time)', () => {
  const hours = {
    timeZone: 'Europe/Copenhagen',
    weekly: ['sat', 'sun'].map((day) => ({ day, from: '09:00', to: '17:00' })),
  };
  let live: Scenario;
  let persistent: Scenario;
  let persistentChat: string;

  beforeAll(async () => {
    live = await scenario(app, { workstream: { channel: 'live_chat', operatingHours: hours }, agents: 0 });
    persistent = await scenario(app, {
      workstream: push({ channel: 'persistent_chat', operatingHours: hours }),
      agents: 1,
    });
  });

  it('refuses a live chat before opening (08:59 local) with a clear answer and leaves nothing open', async () => {
    await moveTo('2026-03-28T07:59:00.000Z');
    const id = uniqueId('conv');
    const refused = await app.post<any>('/channel-events', requested(id, live));
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/no live agent is available.*operating hours/);
    expect((await app.get(`/conversations/${id}`)).status).toBe(404);
  });

  it('accepts a live chat at opening (09:00 local)', async () => {
    await moveTo('2026-03-28T08:00:00.000Z');
    const { conversationId, position } = await startConversation(app, live);
    expect(await conversation(app, conversationId, position)).toMatchObject({ statusReason: 'open' });
  });

  it('refuses again at closing (17:00 local)', async () => {
    await moveTo('2026-03-28T16:00:00.000Z');
    expect((await app.post<any>('/channel-events', requested(uniqueId('conv'), live))).status).toBe(409);
  });

  it('accepts a persistent chat outside hours; it stays open through the night and the clock change', async () => {
    const { conversationId, position } = await startConversation(app, persistent);
    persistentChat = conversationId;
    expect(await conversation(app, conversationId, position)).toMatchObject({ statusReason: 'open' });
    // Sunday 08:59 summer time is 06:59 UTC: still closed.
    const { position: later } = await moveTo('2026-03-29T06:59:00.000Z');
    expect(await conversation(app, conversationId, later)).toMatchObject({ statusReason: 'open' });
  });

  it('distributes the persistent chat when hours begin: 09:00 summer time (07:00 UTC), not 09:00 winter time', async () => {
    await moveTo('2026-03-29T07:00:00.000Z');
    await assignedTo(persistentChat, persistent.agentIds[0]);
  });
});

describe('auto-close defaults per channel', () => {
  it('closes an open live chat after 20 minutes, not before', async () => {
    const s = await scenario(app, { workstream: { channel: 'live_chat' }, agents: 0 });
    const { conversationId } = await startConversation(app, s);
    const almost = await advance(20 * 60 - 1);
    expect(await conversation(app, conversationId, almost.position)).toMatchObject({ statusReason: 'open' });
    const due = await advance(1);
    expect(await conversation(app, conversationId, due.position)).toMatchObject({ statusReason: 'closed' });
  });

  it('moves an active call to wrap-up after 2 hours and closes it a day later', async () => {
    const s = await scenario(app, { workstream: { channel: 'voice' } });
    const { conversationId } = await startConversation(app, s);
    await command(app, conversationId, 'pick', s.agentIds[0]);
    const twoHours = await advance(2 * 3600);
    expect(await conversation(app, conversationId, twoHours.position)).toMatchObject({ statusReason: 'wrap_up' });
    const day = await advance(24 * 3600);
    expect(await conversation(app, conversationId, day.position)).toMatchObject({ statusReason: 'closed' });
    expect(await units(app, s.agentIds[0], day.position)).toEqual({ used: 0, free: 3 });
  });

  it('never closes a record on its own', async () => {
    const s = await scenario(app, { workstream: { channel: 'record' }, agents: 0 });
    const { conversationId } = await startConversation(app, s);
    const later = await advance(60 * 24 * 3600);
    expect(await conversation(app, conversationId, later.position)).toMatchObject({ statusReason: 'open' });
  });
});

describe('live chat system messages', () => {
  it('gives live chats their position and the average recent wait', async () => {
    const s = await scenario(app, { workstream: { channel: 'live_chat' } });
    const served = await startConversation(app, s);
    await advance(40);
    await command(app, served.conversationId, 'pick', s.agentIds[0]);
    const waiting = [await startConversation(app, s), await startConversation(app, s)];
    const open = expectStatus(
      await app.get<any[]>(`/queues/${s.queueId}/open`, { minPosition: waiting[1].position }),
      200,
    );
    expect(open.map((c) => [c.id, c.position, c.estimatedWaitSeconds])).toEqual([
      [waiting[0].conversationId, 1, 40],
      [waiting[1].conversationId, 2, 40],
    ]);
  });
});

async function createQueueOnly(): Promise<string> {
  const id = uniqueId('queue');
  expectStatus(await app.put(`/queues/${id}`, { name: id }), 200);
  return id;
}

/** Advances the manual clock to an absolute time. */
async function moveTo(iso: string): Promise<{ now: string; position: number }> {
  const now = Date.parse(expectStatus(await app.post<{ now: string }>('/test/clock/advance', { seconds: 0 }), 200).now);
  const seconds = (Date.parse(iso) - now) / 1000;
  if (seconds < 0) throw new Error(`the clock is already past ${iso}`);
  return advance(seconds);
}
