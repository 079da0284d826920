import { randomUUID } from 'node:crypto';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The built service as a separate process, as production runs it. */
export class BenchServer {
  private constructor(
    readonly url: string,
    readonly process: ChildProcess,
    readonly dataDir: string,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<BenchServer> {
    const port = await freePort();
    const dataDir = env.OMNICHANNEL_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'omnichannel-bench-'));
    const child = spawn(
      process.execPath,
      [
        // As `npm start` runs it.
        '--max-semi-space-size=64',
        ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
        join(__dirname, '..', 'apps', 'omnichannel', 'src', 'main.js'),
      ],
      {
        // Only what the scenario asks for: an inherited KAFKA_BROKERS would put Kafka into a scenario that is not about it.
        env: { ...withoutKafka(process.env), PORT: String(port), OMNICHANNEL_DATA_DIR: dataDir, ...env },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const server = new BenchServer(`http://127.0.0.1:${port}`, child, dataDir);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
      const healthy = await fetch(`${server.url}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (healthy) return server;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('service did not become healthy within 60 s');
  }

  async stop(removeData = true): Promise<void> {
    // A process killed by a signal (kill -9) has no exit code, only a signal code: it has exited all the same.
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      await exited;
    }
    if (removeData) rmSync(this.dataDir, { recursive: true, force: true });
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  }
}

const withoutKafka = ({ KAFKA_BROKERS: _brokers, ...env }: NodeJS.ProcessEnv) => env;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** A queue, a pick live-chat workstream of one unit each and available agents: the lifecycle scenarios' set-up. */
export async function setUpPickQueue(
  server: BenchServer,
  ids: { queueId: string; workstreamId: string },
  agents: string[],
  capacityUnits: number,
): Promise<void> {
  await server.request('PUT', `/queues/${ids.queueId}`, { name: ids.queueId });
  await server.request('PUT', `/workstreams/${ids.workstreamId}`, {
    channel: 'live_chat',
    distribution: 'pick',
    capacityUnits: 1,
    wrapUpCapacityBlock: 'always',
  });
  for (const agent of agents) {
    await server.request('PUT', `/agents/${agent}`, { name: agent, capacityUnits, queueIds: [ids.queueId] });
    await server.request('PUT', `/agents/${agent}/presence`, { status: 'available' });
  }
}

/**
 * One live chat through request, pick, end and close-session, each step a POST answering `expected`. A step
 * that answers false ends the lifecycle early: the next steps would only fail for the same reason.
 */
export async function liveChatLifecycle(
  step: (path: string, body: unknown, expected: number) => Promise<boolean | void>,
  conversationId: string,
  customerId: string,
  ids: { queueId: string; workstreamId: string },
  agentId: string,
): Promise<void> {
  const requested = {
    eventId: randomUUID(),
    type: 'conversation.requested',
    conversationId,
    occurredAt: new Date().toISOString(),
    payload: { channel: 'live_chat', ...ids, customer: { id: customerId, authenticated: false } },
  };
  if ((await step('/channel-events', requested, 202)) === false) return;
  for (const command of ['pick', 'end']) {
    if ((await step(`/conversations/${conversationId}/${command}`, { agentId }, 200)) === false) return;
  }
  await step(`/conversations/${conversationId}/close-session`, { agentId }, 200);
}
