import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { TestDatabase, ThrowawayPostgres, createTestDatabase } from '#postgres/testing';
import { AppProcess, expectStatus, stopAndClean } from '../support/app-process';
import { command, conversation, eventTypes, scenario, startConversation, units } from '../support/fixtures';

/** The built service on PostgreSQL (OMNICHANNEL_POSTGRES_URL), through HTTP, as `npm start` runs it. */
jest.setTimeout(180_000);
/** Start-up on a shared, loaded CI machine: the schema is created first, then the read models catch up. */
const START_DEADLINE_MS = 60_000;

describe('on a fresh PostgreSQL database', () => {
  let database: TestDatabase;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('e2e');
  });

  afterAll(async () => {
    for (const app of apps) await stopAndClean(app);
    await database?.drop();
  });

  it('runs a lifecycle, keeps its events in PostgreSQL, and rebuilds its read models from them', async () => {
    const app = await AppProcess.start({
      env: { OMNICHANNEL_POSTGRES_URL: database.url },
      healthDeadlineMs: START_DEADLINE_MS,
    });
    apps.push(app);
    const health = expectStatus(await app.get('/health'), 200);
    expect(health.components.eventStore).toEqual({ healthy: true });

    const s = await scenario(app, { workstream: { channel: 'live_chat', wrapUpCapacityBlock: 'always' } });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);
    expect((await command(app, conversationId, 'pick', agent)).statusReason).toBe('active');
    expect((await command(app, conversationId, 'end', agent)).statusReason).toBe('wrap_up');
    const closed = await command(app, conversationId, 'close-session', agent);
    expect(closed.statusReason).toBe('closed');
    expect(await units(app, agent, closed.position)).toMatchObject({ used: 0 });

    // The events are in PostgreSQL, not in an embedded store file.
    expect(existsSync(join(app.dataDir, 'events.sqlite'))).toBe(false);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ type: string }>(
      `SELECT type FROM omnichannel.events WHERE data LIKE $1 AND type LIKE 'conversation.%' ORDER BY position`,
      [`%${conversationId}%`],
    );
    await client.end();
    expect(rows.map((row) => row.type)).toEqual([
      'conversation.requested',
      'conversation.picked',
      'conversation.ended',
      'conversation.closed',
    ]);

    // A second instance with empty read models catches up from the shared store.
    await app.stop();
    const second = await AppProcess.start({
      env: { OMNICHANNEL_POSTGRES_URL: database.url },
      healthDeadlineMs: START_DEADLINE_MS,
    });
    apps.push(second);
    expect(await conversation(second, conversationId, closed.position)).toMatchObject({ statusReason: 'closed' });
    expect(await eventTypes(second, conversationId, closed.position)).toContain('conversation.closed');
  });
});

describe('when PostgreSQL goes away', () => {
  let server: ThrowawayPostgres | undefined;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    server = await ThrowawayPostgres.create();
  });

  afterAll(async () => {
    await stopAndClean(app);
    await server?.destroy();
  });

  it('answers 503 naming the store, reports it on /health, and recovers by itself', async () => {
    app = await AppProcess.start({
      env: { OMNICHANNEL_POSTGRES_URL: server!.url() },
      healthDeadlineMs: START_DEADLINE_MS,
    });
    const s = await scenario(app, { workstream: { channel: 'live_chat' } });
    const [agent] = s.agentIds;
    const { conversationId } = await startConversation(app, s);

    await server!.kill();
    const refused = await app.post(`/conversations/${conversationId}/pick`, { agentId: agent });
    expect(refused.status).toBe(503);
    expect(refused.body.message).toMatch(/the event store is unavailable: PostgreSQL: /);
    const health = await app.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.components.eventStore.detail).toMatch(/^PostgreSQL unavailable since /);
    // The sole-owner lock went with its session: the instance owns nothing until it holds the lock again.
    await until(async () => (await app!.get('/health')).body.ownedPartitions?.length === 0);

    await server!.start();
    expect((await command(app, conversationId, 'pick', agent)).statusReason).toBe('active');
    expect(expectStatus(await app.get('/health'), 200).components.eventStore).toEqual({ healthy: true });
    await until(async () => (await app!.get('/health')).body.ownedPartitions?.length === 64);
  });
});

/** Polls until the condition holds, or fails after the deadline. */
const until = async (condition: () => Promise<boolean>, deadlineMs = 20_000): Promise<void> => {
  const end = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met within the deadline');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
