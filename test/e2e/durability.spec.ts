import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppProcess, HttpResponse, expectStatus, stopAndClean } from '../support/app-process';
import {
  ChannelEvent,
  Scenario,
  command,
  customerDisconnected,
  customerMessage,
  requested,
  scenario,
  send,
  startConversation,
  uniqueId,
} from '../support/fixtures';

/**
 * The embedded store keeps what it acknowledged, and the read models are a function of the events:
 * a restart (clean or `kill -9`) and a full replay give the same answers.
 */

let app: AppProcess;

beforeAll(async () => {
  app = await AppProcess.start();
});

afterAll(() => stopAndClean(app));

/** One command of a burst: what it does and the status reason the conversation must have afterwards. */
interface Step {
  id: string;
  expected: string;
  event?: ChannelEvent;
  fire: () => Promise<HttpResponse>;
}

interface World {
  conversationIds: string[];
  agentIds: string[];
  queueIds: string[];
}

/** Every read model answer about the world, as of `minPosition`. */
async function snapshot(target: AppProcess, world: World, minPosition?: number) {
  const get = async (path: string) => expectStatus(await target.get(path, { minPosition }), 200);
  const result: Record<string, unknown> = {};
  for (const queueId of world.queueIds) {
    result[`conversations?queueId=${queueId}`] = await get(`/conversations?queueId=${queueId}`);
    result[`queues/${queueId}/open`] = await get(`/queues/${queueId}/open`);
  }
  for (const id of world.conversationIds) {
    result[`conversations/${id}`] = await get(`/conversations/${id}`);
    result[`conversations/${id}/events`] = await get(`/conversations/${id}/events`);
    result[`conversations/${id}/transcript`] = await get(`/conversations/${id}/transcript`);
  }
  for (const agentId of world.agentIds) result[`agents/${agentId}/capacity`] = await get(`/agents/${agentId}/capacity`);
  return result;
}

/** Conversations in every status reason, messages, holds active and wrap_up (with until); returns the last position. */
async function buildWorld(): Promise<{ world: World; position: number }> {
  const chat = await scenario(app, {
    workstream: { channel: 'live_chat', wrapUpCapacityBlock: { minutes: 30 } },
    agents: 2,
  });
  const persistent = await scenario(app, { workstream: { channel: 'persistent_chat' }, agents: 1 });
  const [a1, a2] = chat.agentIds;
  const start = async (s: Scenario) => (await startConversation(app, s)).conversationId;
  const [open1, open2, active, wrapUp, closed] = [
    await start(chat),
    await start(chat),
    await start(chat),
    await start(chat),
    await start(chat),
  ];
  const [waiting, persistentOpen] = [await start(persistent), await start(persistent)];

  await command(app, active, 'pick', a1);
  await send(app, customerMessage(active, 'hello'));
  await command(app, active, 'messages', a1, { text: 'hi, how can I help?' });
  await command(app, wrapUp, 'pick', a2);
  await command(app, wrapUp, 'end', a2);
  await send(app, customerDisconnected(closed));
  await command(app, waiting, 'pick', persistent.agentIds[0]);
  await command(app, waiting, 'close-session', persistent.agentIds[0]);
  await command(app, open2, 'pick', a1);
  await command(app, open2, 'release', a1); // back in the queue, after open1
  const { position } = await command(app, persistentOpen, 'pick', persistent.agentIds[0]);
  const last = await command(app, persistentOpen, 'release', persistent.agentIds[0]);
  expect(last.position).toBeGreaterThan(position);
  return {
    world: {
      conversationIds: [open1, open2, active, wrapUp, closed, waiting, persistentOpen],
      agentIds: [...chat.agentIds, ...persistent.agentIds],
      queueIds: [chat.queueId, persistent.queueId],
    },
    position: last.position,
  };
}

describe('restart on the same data directory', () => {
  let world: World;
  let before: Record<string, unknown>;
  let lastPosition: number;

  beforeAll(async () => {
    const built = await buildWorld();
    world = built.world;
    lastPosition = built.position;
    before = await snapshot(app, world, lastPosition);
  });

  it('after SIGTERM and a new start, every read model answers the same', async () => {
    const exit = await app.stop();
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    app = await app.restart();
    expect(await snapshot(app, world)).toEqual(before);
  });

  it('replaying every event into empty read models gives the same answers', async () => {
    await app.stop();
    const readModelFiles = readdirSync(app.dataDir).filter((f) => f.startsWith('read-models'));
    expect(readModelFiles.length).toBeGreaterThan(0);
    for (const file of readModelFiles) rmSync(join(app.dataDir, file));
    app = await app.restart();
    expect(await snapshot(app, world)).toEqual(before);
  });

  it('positions go on after the restart: a new command answers a later position and is read back', async () => {
    const s = await scenario(app);
    const { conversationId, position } = await startConversation(app, s);
    expect(position).toBeGreaterThan(lastPosition);
    expect(await app.get(`/conversations/${conversationId}`, { minPosition: position })).toMatchObject({
      status: 200,
      body: { statusReason: 'open' },
    });
  });
});

describe('kill -9 right after acknowledged commands', () => {
  it('loses none of them', async () => {
    const s = await scenario(app, { workstream: { channel: 'live_chat' }, agents: 10, agentCapacity: 5 });
    const N = 30;

    // Burst 1: N conversations requested at once.
    const requests = Array.from({ length: N }, () => requested(uniqueId('conv'), s));
    const acks1 = await Promise.all(requests.map((e) => app.post('/channel-events', e)));
    for (const ack of acks1) expectStatus(ack, 202);
    const ids = requests.map((e) => e.conversationId);

    // Burst 2: a third picked, a third written to, a third abandoned, all at once; then SIGKILL at once.
    const third = N / 3;
    const viaChannel = (id: string, expected: string, event: ChannelEvent): Step => ({
      id,
      expected,
      event,
      fire: () => app.post('/channel-events', event),
    });
    const burst: Step[] = [
      ...ids.slice(0, third).map((id, i): Step => ({
        id,
        expected: 'active',
        fire: () => app.post(`/conversations/${id}/pick`, { agentId: s.agentIds[i] }),
      })),
      ...ids.slice(third, 2 * third).map((id) => viaChannel(id, 'open', customerMessage(id, `message for ${id}`))),
      ...ids.slice(2 * third).map((id) => viaChannel(id, 'closed', customerDisconnected(id))),
    ];
    const acks2 = await Promise.all(burst.map((step) => step.fire()));
    await app.kill9();

    // Every ack was a success, with a position.
    acks2.forEach((ack, i) => expectStatus(ack, burst[i].event ? 202 : 200));
    for (const ack of [...acks1, ...acks2]) expect(ack.body.position).toEqual(expect.any(Number));
    for (const ack of acks2.slice(0, third)) expect(ack.body.statusReason).toBe('active');
    const maxPosition = Math.max(...[...acks1, ...acks2].map((a) => a.body.position));

    app = await app.restart();

    for (const [i, b] of burst.entries()) {
      const ackPosition = acks2[i].body.position as number;
      const view = expectStatus(await app.get(`/conversations/${b.id}`, { minPosition: maxPosition }), 200);
      expect({ id: b.id, statusReason: view.statusReason }).toEqual({ id: b.id, statusReason: b.expected });
      const events = expectStatus(await app.get<any[]>(`/conversations/${b.id}/events`), 200);
      expect(events.map((e) => e.position)).toContain(ackPosition);
      if (b.event)
        expect(events.find((e) => e.position === ackPosition)).toMatchObject({ causationId: b.event.eventId });
    }
    for (const [i, id] of ids.entries()) {
      const events = expectStatus(await app.get<any[]>(`/conversations/${id}/events`), 200);
      expect(events[0]).toMatchObject({
        type: 'conversation.requested',
        position: acks1[i].body.position,
        causationId: requests[i].eventId,
      });
    }
    for (const id of ids.slice(third, 2 * third)) {
      const transcript = expectStatus(await app.get<any[]>(`/conversations/${id}/transcript`), 200);
      expect(transcript.map((t) => t.text)).toEqual([`message for ${id}`]);
    }
    for (const [i, id] of ids.slice(0, third).entries()) {
      const c = expectStatus(await app.get(`/agents/${s.agentIds[i]}/capacity`), 200);
      expect(c).toMatchObject({ usedUnits: 1, holds: [{ conversationId: id, reason: 'active' }] });
    }
    // Idempotency survived the crash too: a redelivered event is still a duplicate.
    expect(await app.post('/channel-events', burst[third].event)).toMatchObject({
      status: 202,
      body: { duplicate: true },
    });
    expect(await app.post('/channel-events', requests[0])).toMatchObject({ status: 202, body: { duplicate: true } });
  });
});
