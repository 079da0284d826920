import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { liveChatLifecycle } from './server';
import { percentiles, round } from './stats';

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The run, with the CPU time (user + system, all threads) process `pid` spent on it per transition. */
export type Measured = Run & { cpuMsPerTransition: number };

export async function measured(pid: number, run: () => Promise<Run>): Promise<Measured> {
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

export interface Run {
  figures: { transitions: number; seconds: number; transitionsPerSecond: number; latencyMs: unknown };
  errors: number;
  errorStatuses: Record<string, number>;
}

/**
 * `clients` clients, each running whole lifecycles (four transitions) one after another until `lifecycles` ran,
 * in the queue and workstream `ids`.
 */
export async function drive(
  url: string,
  lifecycles: number,
  clients: number,
  ids: { queueId: string; workstreamId: string },
  agentOf: (client: number) => string,
): Promise<Run> {
  const latencies: number[] = [];
  const errorStatuses: Record<string, number> = {};
  let errors = 0;
  // node:http with kept-alive sockets: a lighter client than fetch, so the bare server's figure is its own.
  const sockets = new Agent({ keepAlive: true, maxSockets: clients });
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
    Array.from({ length: clients }, async (_, client) => {
      const agentId = agentOf(client);
      for (let i = next++; i < lifecycles; i = next++) {
        const id = `c-${randomUUID()}`;
        await liveChatLifecycle(step, id, `cust-${i}`, ids, agentId);
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

export class BareServer {
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
