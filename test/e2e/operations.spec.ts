import { AppProcess, expectStatus, pollUntil, stopAndClean } from '../support/app-process';
import { command, conversation, requested, scenario, send, startConversation, uniqueId } from '../support/fixtures';
import { Scrape, parsePrometheus } from '../support/prometheus';

/**
 * Issue 13: what the person on call sees. A scripted lifecycle moves the /metrics counters by exactly the
 * commands, events, timers and requests it made; every log line is JSON (stdout is a pipe here, not a
 * terminal) and each command has one carrying its conversation, outcome and store position.
 */

const START = '2030-01-07T09:00:00.000Z';

let app: AppProcess;

beforeAll(async () => {
  app = await AppProcess.start({ env: { OMNICHANNEL_TEST_CLOCK: 'manual', OMNICHANNEL_TEST_CLOCK_START: START } });
});

afterAll(() => stopAndClean(app));

async function scrape(): Promise<Scrape> {
  const response = await fetch(`${app.baseUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return new Scrape(parsePrometheus(await response.text()));
}

/** Every line the service printed, parsed; fails on the first that is not JSON. */
const logLines = (): Record<string, unknown>[] =>
  app.logs
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`log line is not JSON: ${line}`);
      }
    });

it('/live answers while the process runs; /health once ready', async () => {
  expect(expectStatus(await app.get('/live'), 200)).toEqual({ status: 'alive' });
  expect(expectStatus(await app.get('/health'), 200)).toMatchObject({ status: 'ok' });
});

describe('after a scripted lifecycle', () => {
  let before: Scrape;
  let after: Scrape;
  let queueId: string;
  let chatA: string;
  let positions: { accept: number; close: number };

  beforeAll(async () => {
    before = await scrape();
    // Set-up: four commands (queue, workstream, agent, presence); push distribution, 30 s to accept an offer.
    const s = await scenario(app, { workstream: { distribution: 'push', offerTimeoutSeconds: 30 }, agents: 1 });
    const [agent] = s.agentIds;
    queueId = s.queueId;

    // A: requested (and delivered twice), offered by distribution, accepted, a message, ended, closed.
    chatA = uniqueId('conv');
    const request = requested(chatA, s);
    await send(app, request);
    expect(expectStatus(await app.post('/channel-events', request), 202)).toEqual({ duplicate: true });
    await pollUntil('A offered', async () =>
      (await conversation(app, chatA)).primaryAgentId === agent ? true : undefined,
    );
    const accept = await command(app, chatA, 'accept', agent);
    await command(app, chatA, 'messages', agent, { text: 'hello' });
    // Refused: A is active (409); an unknown conversation (404).
    expectStatus(await app.post(`/conversations/${chatA}/pick`, { agentId: agent }), 409);
    expectStatus(await app.post(`/conversations/${uniqueId('nobody')}/pick`, { agentId: agent }), 404);
    await command(app, chatA, 'end', agent);
    const close = await command(app, chatA, 'close-session', agent);
    positions = { accept: accept.position, close: close.position };

    // B: offered, the offer expires (a timer), and it stays open in the queue: its only agent declined it.
    const { conversationId: chatB } = await startConversation(app, s);
    await pollUntil('B offered', async () =>
      (await conversation(app, chatB)).primaryAgentId === agent ? true : undefined,
    );
    const advanced = expectStatus(await app.post('/test/clock/advance', { seconds: 30 }), 200);
    expect(await conversation(app, chatB, advanced.position)).toMatchObject({ statusReason: 'open' });
    // Back in the queue since the offer expired: it has waited as long as the clock moves on.
    expectStatus(await app.post('/test/clock/advance', { seconds: 10 }), 200);

    after = await pollUntil('projections at the store head', async () => {
      const scraped = await scrape();
      return scraped.value('omnichannel_projection_lag_positions') === 0 ? scraped : undefined;
    });
  });

  it('counts commands by type and outcome, with the status of each refusal', () => {
    const commands = (command: string, outcome: string, status = '') =>
      after.delta(before, 'omnichannel_commands_total', { command, outcome, status });
    expect({
      configureQueue: commands('configureQueue', 'accepted'),
      configureWorkstream: commands('configureWorkstream', 'accepted'),
      configureAgent: commands('configureAgent', 'accepted'),
      changePresence: commands('changePresence', 'accepted'),
      request: commands('request', 'accepted'),
      requestDuplicate: commands('request', 'duplicate'),
      assign: commands('assign', 'accepted'),
      accept: commands('accept', 'accepted'),
      agentMessage: commands('agentMessage', 'accepted'),
      pick409: commands('pick', 'refused', '409'),
      pick404: commands('pick', 'refused', '404'),
      end: commands('end', 'accepted'),
      closeSession: commands('closeSession', 'accepted'),
      expireOffer: commands('expireOffer', 'accepted'),
    }).toEqual({
      configureQueue: 1,
      configureWorkstream: 1,
      configureAgent: 1,
      changePresence: 1,
      request: 2,
      requestDuplicate: 1,
      assign: 2,
      accept: 1,
      agentMessage: 1,
      pick409: 1,
      pick404: 1,
      end: 1,
      closeSession: 1,
      expireOffer: 1,
    });
    expect(after.delta(before, 'omnichannel_commands_total')).toBe(16);
    expect(after.delta(before, 'omnichannel_command_duration_seconds_count')).toBe(16);
    expect(after.value('omnichannel_commands_in_flight')).toBe(0);
  });

  it('counts events appended, and projections reach the store head', () => {
    const head = after.value('omnichannel_event_store_head_position');
    expect(head).toBeGreaterThanOrEqual(positions.close);
    // A fresh embedded store numbers its events 1, 2, 3…: its head is the number of events appended.
    expect(after.value('omnichannel_events_appended_total')).toBe(head);
    expect(after.delta(before, 'omnichannel_events_appended_total', { type: 'conversation.requested' })).toBe(2);
    expect(after.delta(before, 'omnichannel_events_appended_total', { type: 'conversation.closed' })).toBe(1);
    expect(after.value('omnichannel_projection_position')).toBe(head);
    expect(after.value('omnichannel_projection_lag_seconds')).toBe(0);
    expect(after.value('omnichannel_ready')).toBe(1);
  });

  it('counts timers fired, assignments, channel events and the backlog left', () => {
    expect(after.delta(before, 'omnichannel_timers_fired_total', { kind: 'expireOffer' })).toBe(1);
    expect(after.delta(before, 'omnichannel_timers_fired_total')).toBe(1);
    expect(after.value('omnichannel_timers_due')).toBe(0);
    expect(after.delta(before, 'omnichannel_distribution_assignments_total')).toBe(2);
    expect(after.delta(before, 'omnichannel_channel_events_total', { outcome: 'applied' })).toBe(2);
    expect(after.delta(before, 'omnichannel_channel_events_total', { outcome: 'duplicate' })).toBe(1);
    expect(after.value('omnichannel_queue_backlog', { queue: queueId })).toBe(1);
    expect(after.value('omnichannel_queue_oldest_wait_seconds', { queue: queueId })).toBe(10);
  });

  it('reports agents by presence and their capacity', () => {
    expect(after.value('omnichannel_agents', { presence: 'available' })).toBe(1);
    expect(after.value('omnichannel_agent_capacity_units', { presence: 'available', kind: 'total' })).toBe(3);
    expect(after.value('omnichannel_agent_capacity_units', { presence: 'available', kind: 'used' })).toBe(0);
  });

  it('times HTTP requests by route template and status, never by raw path', () => {
    const http = (method: string, route: string, status: string) =>
      after.delta(before, 'omnichannel_http_request_duration_seconds_count', { method, route, status });
    expect(http('POST', '/channel-events', '202')).toBe(3);
    expect(http('POST', '/conversations/:id/:command', '200')).toBe(3);
    expect(http('POST', '/conversations/:id/messages', '200')).toBe(1);
    expect(http('POST', '/conversations/:id/:command', '409')).toBe(1);
    expect(http('POST', '/conversations/:id/:command', '404')).toBe(1);
    expect(http('PUT', '/agents/:id/presence', '200')).toBe(1);
    expect(http('POST', '/test/clock/advance', '200')).toBe(2);
  });

  it('keeps conversation ids out of every label', () => {
    for (const sample of after.samples)
      for (const value of Object.values(sample.labels)) expect(value.startsWith('conv-')).toBe(false);
  });

  it('logs JSON lines, one per command with its conversation, outcome and store position', () => {
    const lines = logLines();
    const ofA = lines.filter((l) => l.conversationId === chatA && l.context === 'Commands');
    expect(ofA.find((l) => l.command === 'accept')).toMatchObject({
      outcome: 'accepted',
      position: positions.accept,
      statusReason: 'active',
    });
    expect(ofA.find((l) => l.command === 'closeSession')).toMatchObject({
      outcome: 'accepted',
      position: positions.close,
    });
    expect(ofA.find((l) => l.command === 'pick')).toMatchObject({ outcome: 'refused', status: 409 });
    expect(ofA.filter((l) => l.command === 'request').map((l) => l.outcome)).toEqual(['accepted', 'duplicate']);
    expect(ofA.every((l) => typeof l.level === 'number' && typeof l.time === 'number')).toBe(true);
  });

  it('gives a command sent over HTTP the id of its request, and a timer’s none', async () => {
    const refused = logLines().find((l) => l.conversationId === chatA && l.command === 'pick')!;
    expect(refused.reqId).toEqual(expect.any(String));
    // The request's own line (a 409 is logged at info) carries the same id.
    const requestLine = await pollUntil('the refused pick’s request line', () =>
      logLines().find((l) => l.reqId === refused.reqId && l.res !== undefined),
    );
    expect(requestLine).toMatchObject({ req: { method: 'POST', url: `/conversations/${chatA}/pick` } });
    const fired = logLines().filter((l) => l.context === 'Commands' && String(l.command).startsWith('expire'));
    expect(fired.length).toBeGreaterThan(0);
    expect(fired.every((l) => l.reqId === undefined)).toBe(true);
  });

  it('does not log successful reads', async () => {
    const count = () => logLines().length;
    const before = count();
    for (let i = 0; i < 5; i++) expectStatus(await app.get(`/conversations/${chatA}`), 200);
    expectStatus(await app.get(`/queues/${queueId}/open`), 200);
    expectStatus(await app.get('/metrics'), 200);
    // A failed read is logged (at info, with its status); it also marks the point the output has reached.
    const missing = uniqueId('missing');
    expectStatus(await app.get(`/conversations/${missing}`), 404);
    const failed = await pollUntil('the 404 logged', () =>
      logLines().find((l) => (l.req as { url?: string } | undefined)?.url?.includes(missing)),
    );
    expect(failed).toMatchObject({ level: 30, res: { statusCode: 404 } });
    expect(count()).toBe(before + 1);
  });
});
