import { kafkaBench } from './kafka';
import { lifecycleBench } from './lifecycle';
import { replayBench } from './replay';

/**
 * `npm run bench`: one JSON line per scenario (BENCH_ONLY=lifecycle,replay,kafka picks some).
 * Scale with BENCH_CONVERSATIONS (lifecycle) and BENCH_REPLAY_EVENTS (replay); the Kafka scenario uses
 * KAFKA_BROKERS, or starts the local broker of infra/kafka (see bench/kafka.ts for its settings).
 */
async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',');
  const run = (name: string) => !only || only.includes(name);
  if (run('lifecycle'))
    console.log(JSON.stringify(await lifecycleBench(Number(process.env.BENCH_CONVERSATIONS ?? 2000))));
  if (run('replay'))
    console.log(JSON.stringify(await replayBench(Number(process.env.BENCH_REPLAY_EVENTS ?? 1_000_000))));
  if (run('kafka')) console.log(JSON.stringify(await kafkaBench()));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
