import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EventStore, NewEvent, SqliteEventStore } from '#event-store';
import { PostgresEventStore } from '#postgres';
import { allProjections, openScratchReadModelDb, rebuild } from '#read-models';
import { seed } from './replay';
import { BenchServer, liveChatLifecycle, setUpPickQueue } from './server';
import { percentiles, round } from './stats';

const CONCURRENCY = 16;
const APPEND_LANES = 32;

/**
 * Issue 18's scenario, the PostgreSQL event store beside the embedded one in the same run:
 * - lifecycle transitions/s over HTTP on each store (same load, 16 agents at once), their ratio (target ≥ 0.5),
 *   the service's CPU time per transition, and the lag of a subscriber (another process's store on the same
 *   database) from an event's recording to its delivery, under that load (target p99 < 100 ms);
 * - append latency p50/p99 and appends/s straight on each store (32 concurrent multi-stream appends, as the
 *   command path makes them);
 * - replay from PostgreSQL: read-and-parse and rebuild-every-read-model events/s (target ≥ 50,000).
 * Sizes: BENCH_POSTGRES_CONVERSATIONS, BENCH_POSTGRES_APPENDS, BENCH_POSTGRES_REPLAY_EVENTS; the server:
 * BENCH_POSTGRES_URL (default the machine's, 127.0.0.1:5432), where a database is made and dropped.
 */
export async function postgresBench(): Promise<Record<string, unknown>> {
  const conversations = Number(process.env.BENCH_POSTGRES_CONVERSATIONS ?? 1000);
  const appends = Number(process.env.BENCH_POSTGRES_APPENDS ?? 5000);
  const replayEvents = Number(process.env.BENCH_POSTGRES_REPLAY_EVENTS ?? 500_000);
  const serverUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

  // Empty is unset: an exported store variable must not move the embedded side onto a server.
  const embedded = await lifecycleOn({ OMNICHANNEL_POSTGRES_URL: '', EVENTSTORE_CONNECTION_STRING: '' }, conversations);
  const lifecycleDb = await createDatabase(serverUrl, 'bench_lifecycle');
  let postgres: Awaited<ReturnType<typeof lifecycleOn>> & { subscriberLagMs?: unknown };
  try {
    const observer = new PostgresEventStore(lifecycleDb.url);
    const lags: number[] = [];
    let deliveredUpTo = 0;
    try {
      const subscription = observer.subscribeToAll(await observer.headPosition(), (batch) => {
        const now = Date.now();
        for (const event of batch) lags.push(now - Date.parse(event.recordedAt));
        deliveredUpTo = batch[batch.length - 1].position;
      });
      postgres = await lifecycleOn(
        { OMNICHANNEL_POSTGRES_URL: lifecycleDb.url, EVENTSTORE_CONNECTION_STRING: '' },
        conversations,
      );
      const last = await observer.headPosition();
      const deadline = Date.now() + 10_000;
      while (deliveredUpTo < last && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      await subscription.stop();
    } finally {
      await observer.close();
    }
    postgres.subscriberLagMs = { events: lags.length, ...percentiles(lags) };
  } finally {
    await lifecycleDb.drop();
  }

  const appendDb = await createDatabase(serverUrl, 'bench_append');
  const dir = mkdtempSync(join(tmpdir(), 'omnichannel-pg-bench-'));
  let appendFigures: Record<string, unknown>;
  try {
    const sqlite = new SqliteEventStore(join(dir, 'append'));
    const pg = new PostgresEventStore(appendDb.url);
    appendFigures = {
      embedded: await appendsOn(sqlite, appends).finally(() => sqlite.close()),
      postgres: await appendsOn(pg, appends).finally(() => pg.close()),
    };
  } finally {
    await appendDb.drop();
  }

  const replayDb = await createDatabase(serverUrl, 'bench_replay');
  let replay: Record<string, unknown>;
  try {
    replay = await replayFrom(new PostgresEventStore(replayDb.url), replayEvents, dir);
  } finally {
    await replayDb.drop();
    rmSync(dir, { recursive: true, force: true });
  }

  return {
    scenario: 'PostgreSQL event store beside the embedded store',
    lifecycle: {
      conversations,
      concurrency: CONCURRENCY,
      embedded,
      postgres,
      postgresToEmbeddedRatio: round(postgres.transitionsPerSecond / embedded.transitionsPerSecond, 3),
    },
    appends: { lanes: APPEND_LANES, ...appendFigures },
    replay,
  };
}

/** The lifecycle load over HTTP against the built service started with `env`. */
async function lifecycleOn(env: Record<string, string>, conversations: number) {
  const server = await BenchServer.start(env);
  try {
    const agents = Array.from({ length: CONCURRENCY }, (_, i) => `bench-agent-${i}`);
    await setUpPickQueue(server, { queueId: 'bq', workstreamId: 'bws' }, agents, 10);
    const latencies: number[] = [];
    const step = async (path: string, body: unknown, expected: number) => {
      const started = performance.now();
      const { status, json } = await server.request('POST', path, body);
      latencies.push(performance.now() - started);
      if (status !== expected) throw new Error(`POST ${path} answered ${status}: ${JSON.stringify(json)}`);
    };
    let next = 0;
    const cpuBefore = await cpuMs(server.process.pid!);
    const started = performance.now();
    await Promise.all(
      agents.map(async (agentId) => {
        for (let i = next++; i < conversations; i = next++) {
          const ids = { queueId: 'bq', workstreamId: 'bws' };
          await liveChatLifecycle(step, `bench-${i}-${randomUUID().slice(0, 8)}`, `cust-${i}`, ids, agentId);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = (await cpuMs(server.process.pid!)) - cpuBefore;
    return {
      transitions: latencies.length,
      seconds: round(seconds),
      transitionsPerSecond: round(latencies.length / seconds, 0),
      serviceCpuMsPerTransition: round(cpu / latencies.length, 3),
      latencyMs: percentiles(latencies),
    };
  } finally {
    await server.stop();
  }
}

/** `count` conversation+agent appends (two streams, three events) from 32 lanes at once, straight on a store. */
async function appendsOn(store: EventStore, count: number) {
  const latencies: number[] = [];
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: APPEND_LANES }, async (_, lane) => {
      const conversation = `bench-conversation-${lane}-${randomUUID()}`;
      const agent = `bench-agent-${lane}-${randomUUID()}`;
      let revision = -1;
      for (let i = next++; i < count; i = next++) {
        const at = performance.now();
        await store.append([
          {
            streamId: conversation,
            expectedRevision: revision < 0 ? 'no_stream' : revision,
            events: [benchEvent(), benchEvent()],
          },
          { streamId: agent, expectedRevision: 'any', events: [benchEvent()] },
        ]);
        latencies.push(performance.now() - at);
        revision += 2;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    appends: latencies.length,
    appendsPerSecond: round(latencies.length / seconds, 0),
    latencyMs: percentiles(latencies),
    clientCpuMsPerAppend: round((cpu.user + cpu.system) / 1000 / latencies.length, 3),
  };
}

/** Seeds `events` lifecycle events, then reads them back in pages and rebuilds every read model from them. */
async function replayFrom(store: PostgresEventStore, events: number, dir: string) {
  try {
    const seedStarted = performance.now();
    const total = await seed(store, events);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const readStarted = performance.now();
    const readCpu = process.cpuUsage();
    let read = 0;
    for (let position = 0; ;) {
      const batch = await store.readAll(position, 5000);
      for (const event of batch) if (event.data && event.metadata) read++;
      if (batch.length < 5000) break;
      position = batch[batch.length - 1].position;
    }
    const readSeconds = (performance.now() - readStarted) / 1000;
    const { user, system } = process.cpuUsage(readCpu);
    const db = openScratchReadModelDb(join(dir, 'rebuilt'));
    const rebuilt = await rebuild(store, db, allProjections);
    db.close();
    return {
      events: total,
      seedEventsPerSecond: round(total / seedSeconds, 0),
      readAndParseEventsPerSecond: round(read / readSeconds, 0),
      readAndParseClientCpuUsPerEvent: round((user + system) / read, 2),
      rebuildEventsPerSecond: round(rebuilt.events / rebuilt.seconds, 0),
    };
  } finally {
    await store.close();
  }
}

function benchEvent(): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'conversation.customer_message',
    data: { conversationId: 'bench', text: 'Hello, my order has not arrived' },
    metadata: { actor: { kind: 'customer', id: 'bench' }, occurredAt: new Date().toISOString(), schemaVersion: 1 },
  };
}

/** A database of the bench's own on the server, dropped afterwards. */
export async function createDatabase(
  serverUrl: string,
  label: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `omnichannel_${label}_${randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** utime + stime of a process from /proc (Linux), in ms (USER_HZ 100). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
