// '#kafka' loads the channel-event DTOs, whose decorators need the metadata polyfill first.
import 'reflect-metadata';
import { contentionBench } from './contention';
import { kafkaBench } from './kafka';
import { lifecycleBench } from './lifecycle';
import { postgresBench } from './postgres';
import { replayBench } from './replay';
import { scaleBench } from './scale';

/**
 * `npm run bench`: one JSON line per scenario (BENCH_ONLY=lifecycle,replay,kafka,scale,postgres picks some).
 * Scale with BENCH_CONVERSATIONS (lifecycle), BENCH_REPLAY_EVENTS (replay), BENCH_SCALE_* (scale: see
 * bench/scale.ts) and BENCH_CONTENTION_LIFECYCLES (scale: contention and lifecycle beside a bare server);
 * the Kafka scenario uses KAFKA_BROKERS, or starts the local broker of infra/kafka (see bench/kafka.ts); the
 * PostgreSQL scenario makes its databases on BENCH_POSTGRES_URL or the machine's server (see bench/postgres.ts).
 */
async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',');
  const run = (name: string) => !only || only.includes(name);
  if (run('lifecycle'))
    console.log(JSON.stringify(await lifecycleBench(Number(process.env.BENCH_CONVERSATIONS ?? 2000))));
  if (run('replay'))
    console.log(JSON.stringify(await replayBench(Number(process.env.BENCH_REPLAY_EVENTS ?? 1_000_000))));
  if (run('postgres')) console.log(JSON.stringify(await postgresBench()));
  if (run('kafka')) console.log(JSON.stringify(await kafkaBench()));
  if (run('scale')) {
    console.log(JSON.stringify(await scaleBench()));
    console.log(JSON.stringify(await contentionBench(Number(process.env.BENCH_CONTENTION_LIFECYCLES ?? 2000))));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
