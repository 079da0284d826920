import { BareServer, drive, measured, Measured, median } from './http-drive';
import { BenchServer, setUpPickQueue } from './server';
import { peakRssMiB, round } from './stats';

const CLIENTS = 32;
const ROUNDS = 3;
const IDS = { queueId: 'bq', workstreamId: 'bws' };

/**
 * The lifecycle path (issues 2 and 23): 32 clients, each its own agent, each running request, pick, end,
 * close-session lifecycles over HTTP against the built service (embedded store, real clock). A bare
 * `node:http` server in its own process answers the same requests with the same statuses, driven by the same
 * client in the same run; service and bare server take turns in rounds (the machine's load drifts) after a
 * warm-up of the service. Printed per side: wall rate, CPU time per transition (all threads, from /proc), and
 * the ratios service/bare of both (the CPU ratio follows the machine's load much less).
 * Env: BENCH_CONVERSATIONS (lifecycles per side, split over the rounds; default 2000).
 */
export async function lifecycleBench(conversations: number): Promise<Record<string, unknown>> {
  const server = await BenchServer.start();
  try {
    const agents = Array.from({ length: CLIENTS }, (_, i) => `bench-agent-${i}`);
    await setUpPickQueue(server, IDS, agents, 10);
    const agentOf = (client: number) => agents[client];
    const perRound = Math.ceil(conversations / ROUNDS);
    // The JIT's first minutes are not the path's cost.
    await drive(server.url, Math.ceil(perRound / 2), CLIENTS, IDS, agentOf);
    const bare = await BareServer.start();
    const rounds: { service: Measured; bare: Measured }[] = [];
    try {
      for (let i = 0; i < ROUNDS; i++) {
        const service = await measured(server.process.pid!, () => drive(server.url, perRound, CLIENTS, IDS, agentOf));
        const reference = await measured(bare.pid, () => drive(bare.url, perRound, CLIENTS, IDS, agentOf));
        rounds.push({ service, bare: reference });
      }
    } finally {
      await bare.stop();
    }
    const ratios = rounds.map((r) => r.service.figures.transitionsPerSecond / r.bare.figures.transitionsPerSecond);
    const cpuRatios = rounds.map((r) => r.bare.cpuMsPerTransition / r.service.cpuMsPerTransition);
    return {
      scenario: 'lifecycle over HTTP, 32 clients each its own agent, embedded store, beside a bare node:http server',
      clients: CLIENTS,
      lifecyclesPerRound: perRound,
      service: {
        transitionsPerSecond: rounds.map((r) => r.service.figures.transitionsPerSecond),
        cpuMsPerTransition: rounds.map((r) => round(r.service.cpuMsPerTransition, 3)),
        latencyMs: rounds.map((r) => r.service.figures.latencyMs),
        errors: rounds.reduce((sum, r) => sum + r.service.errors, 0),
      },
      bareNodeHttp: {
        transitionsPerSecond: rounds.map((r) => r.bare.figures.transitionsPerSecond),
        cpuMsPerTransition: rounds.map((r) => round(r.bare.cpuMsPerTransition, 3)),
      },
      ratioToBare: round(median(ratios), 3),
      // CPU spent per transition, bare over service: what the ratio would be if each had the machine to itself.
      cpuRatioToBare: round(median(cpuRatios), 3),
      serverPeakRssMiB: await peakRssMiB(server.process.pid!),
    };
  } finally {
    await server.stop();
  }
}
