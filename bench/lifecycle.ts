import { randomUUID } from 'node:crypto';
import { BenchServer, liveChatLifecycle, setUpPickQueue } from './server';
import { peakRssMiB, percentiles, round } from './stats';

const CONCURRENCY = 16;

/**
 * Issue 2's scenario: N conversations through a whole lifecycle (requested, picked, ended, closed)
 * over HTTP against the embedded store. Each step is one transition; latency is per HTTP call.
 */
export async function lifecycleBench(conversations: number): Promise<Record<string, unknown>> {
  const server = await BenchServer.start();
  try {
    const agents = Array.from({ length: CONCURRENCY }, (_, i) => `bench-agent-${i}`);
    await setUpPickQueue(server, { queueId: 'bq', workstreamId: 'bws' }, agents, 10);
    const latencies: number[] = [];
    const step = async (method: string, path: string, body: unknown, expected: number) => {
      const started = performance.now();
      const { status, json } = await server.request(method, path, body);
      latencies.push(performance.now() - started);
      if (status !== expected) throw new Error(`${method} ${path} answered ${status}: ${JSON.stringify(json)}`);
    };
    let next = 0;
    const started = performance.now();
    await Promise.all(
      agents.map(async (agentId) => {
        for (let i = next++; i < conversations; i = next++) {
          const id = `bench-${i}-${randomUUID().slice(0, 8)}`;
          const ids = { queueId: 'bq', workstreamId: 'bws' };
          await liveChatLifecycle(
            (path, body, expected) => step('POST', path, body, expected),
            id,
            `cust-${i}`,
            ids,
            agentId,
          );
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      scenario: 'lifecycle over HTTP, embedded store',
      conversations,
      concurrency: CONCURRENCY,
      transitions: latencies.length,
      seconds: round(seconds),
      transitionsPerSecond: round(latencies.length / seconds, 0),
      latencyMs: percentiles(latencies),
      serverPeakRssMiB: await peakRssMiB(server.process.pid!),
    };
  } finally {
    await server.stop();
  }
}
