import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { BenchServer } from './server';
import { readFileSync } from 'node:fs';
import { peakRssMiB, percentiles, round } from './stats';

/** Sizes (issue 9's by default); smaller ones through the environment for quick runs. */
const settings = () => ({
  agents: Number(process.env.BENCH_SCALE_AGENTS ?? 20_000),
  waiting: Number(process.env.BENCH_SCALE_WAITING ?? 50_000),
  /** How many requests each intake measurement sends. */
  sample: Number(process.env.BENCH_SCALE_SAMPLE ?? 5_000),
  rate: Number(process.env.BENCH_SCALE_RATE ?? 500),
  steadySeconds: Number(process.env.BENCH_SCALE_SECONDS ?? 10),
  concurrency: Number(process.env.BENCH_SCALE_CONCURRENCY ?? 32),
});

const requested = (conversationId: string, workstreamId: string, queueId: string) => ({
  eventId: randomUUID(),
  type: 'conversation.requested',
  conversationId,
  occurredAt: new Date().toISOString(),
  payload: { channel: 'sms', workstreamId, queueId, customer: { id: `cust-${conversationId}`, authenticated: true } },
});

/** Runs `work(i)` for i in [0, n) with `concurrency` in flight; resolves with the seconds it took. */
export const pool = async (n: number, concurrency: number, work: (i: number) => Promise<void>): Promise<number> => {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      for (let i = next++; i < n; i = next++) await work(i);
    }),
  );
  return (performance.now() - started) / 1000;
};

const expect = (what: string, status: number, expected: number, body: unknown) => {
  if (status !== expected) throw new Error(`${what} answered ${status}: ${body}`);
};

/**
 * Keep-alive connections, at most `sockets` of them: at a steady rate a slow server makes requests queue here,
 * not as thousands of new connections (which overflow its accept backlog).
 */
const client = (url: string, sockets: number) => {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(url);
  return (method: string, path: string, body?: unknown) =>
    new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          agent,
          hostname,
          port,
          method,
          path,
          headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
};

/**
 * CPU milliseconds a process has used (user + system, from /proc, Linux): per request, a measure of cost that
 * other processes sharing the machine do not distort the way they distort a rate.
 */
const cpuMs = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};

/** Figures as each phase ends, on stderr: a later failure does not lose them. */
const progress = (phase: string, figures: Record<string, unknown>) =>
  console.error(JSON.stringify({ scale: phase, ...figures }));

/**
 * Issue 9's routing and intake at scale, over HTTP against the embedded store:
 * - intake (`conversation.requested` on a push workstream whose agents are all signed out) with an empty
 *   backlog and with `waiting` conversations waiting, and their ratio;
 * - routing: the backlog draining to `agents` agents signing in (assignments per second);
 * - request to assigned at a steady `rate` requests/s in another queue whose agents have room (from the
 *   client's send to the store's record of `conversation.assigned`, same machine, same clock);
 * - the server's peak RSS.
 */
export async function scaleBench(): Promise<Record<string, unknown>> {
  const s = settings();
  const server = await BenchServer.start();
  const http = client(server.url, 64);
  const put = async (path: string, body: unknown) => {
    const response = await http('PUT', path, body);
    expect(`PUT ${path}`, response.status, 200, response.body);
  };
  const post = async (body: ReturnType<typeof requested>) => {
    const response = await http('POST', '/channel-events', body);
    expect('POST /channel-events', response.status, 202, response.body);
  };
  const openIn = async (queueId: string) =>
    Number((await http('GET', `/queues/${queueId}/open?limit=1`)).headers['x-total-count']);
  try {
    const workstream = {
      channel: 'sms',
      distribution: 'push',
      capacityUnits: 1,
      wrapUpCapacityBlock: 'always',
      offerTimeoutSeconds: 86_400,
    };
    await put('/queues/big', { name: 'big' });
    await put('/workstreams/big-ws', workstream);
    await put('/queues/steady', { name: 'steady' });
    await put('/workstreams/steady-ws', workstream);
    // Room for the whole backlog and some: three conversations each.
    const capacityUnits = Math.max(1, Math.ceil((s.waiting + 2 * s.sample) / s.agents) + 1);
    const agentIds = Array.from({ length: s.agents }, (_, i) => `agent-${i}`);
    const setUpSeconds = await pool(s.agents, s.concurrency, (i) =>
      put(`/agents/${agentIds[i]}`, { name: agentIds[i], capacityUnits, queueIds: ['big'] }),
    );
    progress('agents configured', { agents: s.agents, seconds: round(setUpSeconds) });

    // Warm-up (JIT, caches) on a pick workstream, so the empty-backlog figure is not the cold start's.
    await put('/queues/warm', { name: 'warm' });
    await put('/workstreams/warm-ws', { ...workstream, distribution: 'pick' });
    await pool(Math.min(s.sample, 2000), s.concurrency, (i) => post(requested(`warm-${i}`, 'warm-ws', 'warm')));

    let made = 0;
    const intake = (n: number) =>
      pool(n, s.concurrency, async () => {
        const id = `big-${made++}`;
        await post(requested(id, 'big-ws', 'big'));
      });
    const pid = server.process.pid!;
    let cpu = cpuMs(pid);
    const emptySeconds = await intake(s.sample);
    const intakeEmpty = s.sample / emptySeconds;
    const cpuEmpty = (cpuMs(pid) - cpu) / s.sample;
    await intake(Math.max(0, s.waiting - made));
    const waitingBefore = await openIn('big');
    cpu = cpuMs(pid);
    const fullSeconds = await intake(s.sample);
    const intakeFull = s.sample / fullSeconds;
    const cpuFull = (cpuMs(pid) - cpu) / s.sample;
    const rssAtBacklog = await peakRssMiB(pid);
    progress('intake', {
      intakeEmpty: round(intakeEmpty, 0),
      waitingBefore,
      intakeFull: round(intakeFull, 0),
      cpuMsPerRequest: [round(cpuEmpty), round(cpuFull)],
      rssAtBacklog,
    });

    // Routing: every agent signs in; the backlog drains.
    const backlog = await openIn('big');
    const started = performance.now();
    const signInSeconds = await pool(s.agents, s.concurrency, (i) =>
      put(`/agents/${agentIds[i]}/presence`, { status: 'available' }),
    );
    let left = backlog;
    for (;;) {
      left = await openIn('big');
      if (left === 0 || performance.now() - started > 600_000) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const drainSeconds = (performance.now() - started) / 1000;
    const rssAfterDrain = await peakRssMiB(server.process.pid!);
    progress('routing', { backlog, left, signInSeconds: round(signInSeconds), drainSeconds: round(drainSeconds) });

    // Request to assigned at a steady rate, with free agents.
    const steadyAgents = Math.max(1, Math.ceil((s.rate * s.steadySeconds) / 20));
    await pool(steadyAgents, s.concurrency, async (i) => {
      await put(`/agents/steady-${i}`, { name: `steady-${i}`, capacityUnits: 25, queueIds: ['steady'] });
      await put(`/agents/steady-${i}/presence`, { status: 'available' });
    });
    const total = s.rate * s.steadySeconds;
    const sentAt = new Map<string, number>();
    const steadyStarted = performance.now();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = steadyStarted + (i * 1000) / s.rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const id = `steady-${i}`;
      sentAt.set(id, Date.now());
      sends.push(post(requested(id, 'steady-ws', 'steady')));
    }
    await Promise.all(sends);
    const achievedRate = total / ((performance.now() - steadyStarted) / 1000);
    const latencies: number[] = [];
    let unassigned = 0;
    await pool(total, s.concurrency, async (i) => {
      const id = `steady-${i}`;
      for (let attempt = 0; ; attempt++) {
        const events = JSON.parse((await http('GET', `/conversations/${id}/events`)).body) as {
          type: string;
          recordedAt: string;
        }[];
        const assigned = events.find((e) => e.type === 'conversation.assigned');
        if (assigned) return void latencies.push(Date.parse(assigned.recordedAt) - sentAt.get(id)!);
        if (attempt === 100) return void unassigned++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });

    return {
      scenario: 'scale: intake and push routing over HTTP, embedded store',
      agents: s.agents,
      agentCapacityUnits: capacityUnits,
      agentSetUpSeconds: round(setUpSeconds),
      intake: {
        emptyBacklogPerSecond: round(intakeEmpty, 0),
        waitingBefore,
        atBacklogPerSecond: round(intakeFull, 0),
        ratio: round(intakeFull / intakeEmpty),
        serverCpuMsPerRequest: { emptyBacklog: round(cpuEmpty), atBacklog: round(cpuFull) },
        cpuRatio: round(cpuEmpty / cpuFull),
        requestsPerMeasure: s.sample,
        concurrency: s.concurrency,
      },
      routing: {
        backlog,
        assigned: backlog - left,
        signInSeconds: round(signInSeconds),
        drainSeconds: round(drainSeconds),
        assignmentsPerSecond: round((backlog - left) / drainSeconds, 0),
      },
      requestToAssigned: {
        targetRate: s.rate,
        achievedRate: round(achievedRate, 0),
        conversations: total,
        unassigned,
        ms: percentiles(latencies),
      },
      serverPeakRssMiB: await peakRssMiB(server.process.pid!),
      serverPeakRssWithBacklogMiB: rssAtBacklog,
      serverPeakRssAfterDrainMiB: rssAfterDrain,
    };
  } finally {
    await server.stop();
  }
}
