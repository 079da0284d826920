import { BareServer, drive, measured, Measured, median } from './http-drive';
import { BenchServer, setUpPickQueue } from './server';
import { peakRssMiB, round } from './stats';

const CLIENTS = 32;
const ROUNDS = 3;
const IDS = { queueId: 'cq', workstreamId: 'cws' };

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
    await setUpPickQueue(server, IDS, agents, 2 * CLIENTS);
    const oneAgent = await drive(server.url, lifecycles, CLIENTS, IDS, () => agents[0]);
    // The machine is shared and its load drifts: service and bare server take turns, and the ratio is the
    // median of the rounds' ratios.
    const bare = await BareServer.start();
    const rounds: { service: Measured; bare: Measured }[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const service = await measured(server.process.pid!, () =>
          drive(server.url, Math.ceil(lifecycles / ROUNDS), CLIENTS, IDS, (client) => agents[client]),
        );
        const reference = await measured(bare.pid, () =>
          drive(bare.url, Math.ceil(lifecycles / ROUNDS), CLIENTS, IDS, (client) => agents[client]),
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
