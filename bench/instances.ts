import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { benchBroker } from './kafka';
import { createDatabase } from './postgres';
import { pool } from './scale';
import { BenchServer } from './server';
import { round } from './stats';

/**
 * Issue 19's benchmark: intake and push routing with one and with three instances as processes on one PostgreSQL
 * store and one Kafka broker, driven by the same client over HTTP (requests round robin over the instances, as a
 * balancer would); then, with three, the time from a `kill -9` of one to the two others owning all 64 partitions,
 * and from a SIGTERM of one to the last owning them all. CPU is the instance processes' own (user + system, from
 * /proc), summed, per item. Figures are as measured on whatever machine runs it.
 *
 * Env: BENCH_INSTANCES_CONVERSATIONS (intake, default 2000), BENCH_INSTANCES_AGENTS (agents signing in, default
 * 100, each taking up to 5 conversations), BENCH_INSTANCES_CONCURRENCY (requests in flight, default 32),
 * BENCH_POSTGRES_URL, KAFKA_BENCH_BROKERS (see bench/postgres.ts and bench/kafka.ts).
 */
export async function instancesBench(): Promise<Record<string, unknown>> {
  const conversations = Number(process.env.BENCH_INSTANCES_CONVERSATIONS ?? 2000);
  const agents = Number(process.env.BENCH_INSTANCES_AGENTS ?? 100);
  const concurrency = Number(process.env.BENCH_INSTANCES_CONCURRENCY ?? 32);
  const serverUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const { brokers, release } = await benchBroker();
  try {
    const one = await measure(1, { conversations, agents, concurrency, serverUrl, brokers });
    const three = await measure(3, { conversations, agents, concurrency, serverUrl, brokers });
    return {
      scenario: 'instances: intake and push routing over HTTP with 1 and 3 instances, PostgreSQL and Kafka',
      conversations,
      agents,
      concurrency,
      one,
      three,
      intakeRatio: round(three.intake.perSecond / one.intake.perSecond),
      routingRatio: round(three.routing.assignmentsPerSecond / one.routing.assignmentsPerSecond),
    };
  } finally {
    release();
  }
}

interface Settings {
  conversations: number;
  agents: number;
  concurrency: number;
  serverUrl: string;
  brokers: string[];
}

const CAPACITY = 5;

async function measure(instances: number, s: Settings) {
  const db = await createDatabase(s.serverUrl, 'bench_instances');
  const run = randomUUID().slice(0, 8);
  const servers: BenchServer[] = [];
  try {
    for (let i = 0; i < instances; i++)
      servers.push(
        await BenchServer.start({
          OMNICHANNEL_POSTGRES_URL: db.url,
          KAFKA_BROKERS: s.brokers.join(','),
          KAFKA_CONSUMER_GROUP: `bench-instances-${run}`,
          KAFKA_SESSION_TIMEOUT_MS: '6000',
          OMNICHANNEL_PARTITION_GROUP: `bench-instances-${run}-partitions`,
          OMNICHANNEL_INSTANCE_ID: `bench-${i}`,
          LOG_LEVEL: 'warn',
        }),
      );
    await sharedOut(servers);
    let turn = 0;
    const next = () => servers[turn++ % servers.length];
    const call = async (method: string, path: string, body: unknown, expected: number) => {
      const response = await next().request(method, path, body);
      if (response.status !== expected)
        throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.json)}`);
    };

    const queueId = `q-${run}`;
    const workstreamId = `ws-${run}`;
    await call('PUT', `/queues/${queueId}`, { name: queueId }, 200);
    await call(
      'PUT',
      `/workstreams/${workstreamId}`,
      {
        channel: 'sms',
        distribution: 'push',
        capacityUnits: 1,
        wrapUpCapacityBlock: 'always',
        offerTimeoutSeconds: 86_400,
      },
      200,
    );
    const agentIds = Array.from({ length: s.agents }, (_, i) => `agent-${run}-${i}`);
    for (const agentId of agentIds)
      await call('PUT', `/agents/${agentId}`, { name: agentId, capacityUnits: CAPACITY, queueIds: [queueId] }, 200);

    // Intake: every conversation waits, nobody is signed in yet.
    const intakeCpu = cpuSeconds(servers);
    const intakeSeconds = await pool(s.conversations, s.concurrency, (i) =>
      call(
        'POST',
        '/channel-events',
        {
          eventId: randomUUID(),
          type: 'conversation.requested',
          conversationId: `c-${run}-${i}`,
          occurredAt: new Date().toISOString(),
          payload: { channel: 'sms', workstreamId, queueId, customer: { id: `cust-${i}`, authenticated: false } },
        },
        202,
      ),
    );
    const intakeCpuSeconds = cpuSeconds(servers) - intakeCpu;

    // Routing: the agents sign in (spread over the instances); the queue's owner offers the backlog to them.
    const expected = Math.min(s.conversations, s.agents * CAPACITY);
    const routingCpu = cpuSeconds(servers);
    const started = performance.now();
    await pool(agentIds.length, s.concurrency, (i) =>
      call('PUT', `/agents/${agentIds[i]}/presence`, { status: 'available' }, 200),
    );
    const deadline = Date.now() + 300_000;
    let left = s.conversations;
    while (s.conversations - left < expected && Date.now() < deadline) {
      const { headers } = await fetch(`${next().url}/queues/${queueId}/open?limit=1`);
      left = Number(headers.get('x-total-count'));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const routingSeconds = (performance.now() - started) / 1000;
    const routingCpuSeconds = cpuSeconds(servers) - routingCpu;
    const assigned = s.conversations - left;

    const failover = instances > 1 ? await handovers(servers) : undefined;
    return {
      instances,
      intake: {
        perSecond: round(s.conversations / intakeSeconds, 0),
        cpuMsPerConversation: round((intakeCpuSeconds * 1000) / s.conversations),
      },
      routing: {
        assigned,
        seconds: round(routingSeconds),
        assignmentsPerSecond: round(assigned / routingSeconds, 0),
        cpuMsPerAssignment: round((routingCpuSeconds * 1000) / Math.max(1, assigned)),
      },
      ...(failover ? { failover } : {}),
    };
  } finally {
    for (const server of servers) await server.stop().catch(() => undefined);
    await db.drop();
  }
}

/** kill -9 of one instance, then SIGTERM of another: seconds until the rest own all 64 partitions again. */
async function handovers(servers: BenchServer[]) {
  const killed = servers[0];
  const started = performance.now();
  killed.process.kill('SIGKILL');
  await sharedOut(servers.slice(1), 60_000);
  const killToOwnedSeconds = (performance.now() - started) / 1000;

  const leaving = servers[1];
  const exited = new Promise((resolve) => leaving.process.once('exit', resolve));
  const leftAt = performance.now();
  leaving.process.kill('SIGTERM');
  await sharedOut(servers.slice(2), 60_000);
  const sigtermToOwnedSeconds = (performance.now() - leftAt) / 1000;
  await exited;
  return { killToOwnedSeconds: round(killToOwnedSeconds), sigtermToOwnedSeconds: round(sigtermToOwnedSeconds) };
}

/** Resolves once the given instances own the 64 partitions between them, each once. */
async function sharedOut(servers: BenchServer[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const shares = await Promise.all(
      servers.map((s) =>
        fetch(`${s.url}/health`)
          .then((r) => r.json() as Promise<{ ownedPartitions?: number[] }>)
          .then((h) => h.ownedPartitions ?? [])
          .catch(() => [] as number[]),
      ),
    );
    const all = shares.flat();
    if (all.length === 64 && new Set(all).size === 64) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${servers.length} instance(s) did not share the 64 partitions within ${timeoutMs} ms`);
}

const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** User + system CPU of the instance processes, summed (fields 14 and 15 of /proc/<pid>/stat). */
function cpuSeconds(servers: BenchServer[]): number {
  let ticks = 0;
  for (const { process: child } of servers) {
    if (child.exitCode !== null || child.pid === undefined) continue;
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / TICKS;
}
