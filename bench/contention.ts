import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { BenchServer, liveChatLifecycle, setUpPickQueue } from './server';
import { peakRssMiB, percentiles, round } from './stats';

const CLIENTS = 32;
const ROUNDS = 3;

/**
 * Issue 9's command-path figures, over HTTP against the built service (embedded store):
 * - contention: one agent, 32 clients each running request, pick, end, close-session lifecycles; every
 *   answer that is not the expected status is an error (the target is none);
 * - lifecycle: the same with 32 agents (one per client), beside a bare `node:http` server in its own
 *   process answering the same requests with the same statuses, driven by the same client in the same
 *   run, in alternating rounds: the ratio is the figure to compare across machines (target >= 0.35). Each
 *   side's CPU time per transition (all its threads, from /proc) is printed too: on a shared machine the
 *   throughput ratio follows whoever else is running, the CPU ratio much less;
 * - the service's peak RSS.
 * Env: BENCH_CONTENTION_LIFECYCLES (lifecycles per phase, default 2000).
 */
export async function contentionBench(lifecycles: number): Promise<Record<string, unknown>> {
  const server = await BenchServer.start();
  try {
    const agents = Array.from({ length: CLIENTS }, (_, i) => `agent-${i}`);
    await setUpPickQueue(server, { queueId: 'cq', workstreamId: 'cws' }, agents, 2 * CLIENTS);
    const oneAgent = await drive(server.url, lifecycles, () => agents[0]);
    // The machine is shared and its load drifts: service and bare server take turns, and the ratio is the
    // median of the rounds' ratios.
    const bare = await BareServer.start();
    const rounds: { service: Measured; bare: Measured }[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const service = await measured(server.process.pid!, () =>
          drive(server.url, Math.ceil(lifecycles / ROUNDS), (client) => agents[client]),
        );
        const reference = await measured(bare.pid, () =>
          drive(bare.url, Math.ceil(lifecycles / ROUNDS), (client) => agents[client]),
        );
        rounds.push({ service, bare: reference });
      }
    } finally {
      await bare.stop();
    }
    const ratios = rounds.map((r) => r.service.figures.transitionsPerSecond / r.bare.figures.transitionsPerSecond);
    const cpuRatios = rounds.map((r) => r.bare.cpuMsPerTransition / r.service.cpuMsPerTransition);
    return {
      scenario: 'scale: command path under contention, lifecycle beside a bare node:http server',
      clients: CLIENTS,
      lifecycles,
      oneAgent: { ...oneAgent.figures, errors: oneAgent.errors, errorStatuses: oneAgent.errorStatuses },
      lifecycle32Agents: {
        transitionsPerSecond: rounds.map((r) => r.service.figures.transitionsPerSecond),
        latencyMs: rounds.map((r) => r.service.figures.latencyMs),
        cpuMsPerTransition: rounds.map((r) => round(r.service.cpuMsPerTransition, 3)),
        errors: rounds.reduce((sum, r) => sum + r.service.errors, 0),
      },
      bareNodeHttp: {
        transitionsPerSecond: rounds.map((r) => r.bare.figures.transitionsPerSecond),
        cpuMsPerTransition: rounds.map((r) => round(r.bare.cpuMsPerTransition, 3)),
      },
      ratioToBare: round(median(ratios), 3),
      ratioPerRound: ratios.map((r) => round(r, 3)),
      // CPU spent per transition, bare over service: what the ratio would be if each had the machine to itself.
      cpuRatioToBare: round(median(cpuRatios), 3),
      serverPeakRssMiB: await peakRssMiB(server.process.pid!),
    };
  } finally {
    await server.stop();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The run, with the CPU time (user + system, all threads) process `pid` spent on it per transition. */
type Measured = Run & { cpuMsPerTransition: number };

async function measured(pid: number, run: () => Promise<Run>): Promise<Measured> {
  const before = await cpuMs(pid);
  const result = await run();
  return { ...result, cpuMsPerTransition: ((await cpuMs(pid)) - before) / result.figures.transitions };
}

/** utime + stime of a process from /proc (Linux), in ms. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

interface Run {
  figures: { transitions: number; seconds: number; transitionsPerSecond: number; latencyMs: unknown };
  errors: number;
  errorStatuses: Record<string, number>;
}

/** CLIENTS clients, each running whole lifecycles (four transitions) one after another until `lifecycles` ran. */
async function drive(url: string, lifecycles: number, agentOf: (client: number) => string): Promise<Run> {
  const latencies: number[] = [];
  const errorStatuses: Record<string, number> = {};
  let errors = 0;
  // node:http with kept-alive sockets: a lighter client than fetch, so the bare server's figure is its own.
  const sockets = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const post = (path: string, body: unknown) =>
    new Promise<number>((resolve, reject) => {
      const payload = JSON.stringify(body);
      const req = request(
        `${url}${path}`,
        {
          method: 'POST',
          agent: sockets,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const step = async (path: string, body: unknown, expected: number): Promise<boolean> => {
    const started = performance.now();
    const status = await post(path, body);
    latencies.push(performance.now() - started);
    if (status === expected) return true;
    errors++;
    errorStatuses[status] = (errorStatuses[status] ?? 0) + 1;
    return false;
  };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      const agentId = agentOf(client);
      for (let i = next++; i < lifecycles; i = next++) {
        const id = `c-${randomUUID()}`;
        await liveChatLifecycle(step, id, `cust-${i}`, { queueId: 'cq', workstreamId: 'cws' }, agentId);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  sockets.destroy();
  return {
    figures: {
      transitions: latencies.length,
      seconds: round(seconds),
      transitionsPerSecond: round(latencies.length / seconds, 0),
      latencyMs: percentiles(latencies),
    },
    errors,
    errorStatuses,
  };
}

/**
 * The reference: plain `node:http` in a process of its own, reading and parsing each JSON body and answering
 * with the service's status and a small JSON body, no framework, no store.
 */
const BARE_SERVER = `
  const { createServer } = require('node:http');
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      const accepted = req.url === '/channel-events';
      res.writeHead(accepted ? 202 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(accepted ? { accepted: true } : { conversationId: req.url.split('/')[2], agentId: body.agentId }));
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

class BareServer {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  static start(): Promise<BareServer> {
    const child = spawn(process.execPath, ['-e', BARE_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
      child.stdout!.once('data', (port: Buffer) =>
        resolve(new BareServer(`http://127.0.0.1:${String(port).trim()}`, child)),
      );
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
