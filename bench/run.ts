// '#kafka' loads the channel-event DTOs, whose decorators need the metadata polyfill first.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { contentionBench } from './contention';
import { instancesBench } from './instances';
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
const USAGE = `usage: npm run bench [-- --help]
  prints one JSON line per scenario: lifecycle, replay, kafka, scale (with contention), instances
  BENCH_ONLY=lifecycle,replay,kafka,scale   run only these (also postgres, instances)
  BENCH_CONVERSATIONS (2000)                lifecycle: conversations
  BENCH_REPLAY_EVENTS (1000000)             replay: events in the store
  BENCH_SCALE_AGENTS, BENCH_SCALE_WAITING, BENCH_SCALE_SAMPLE, BENCH_SCALE_RATE, BENCH_SCALE_SECONDS
                                            scale: smaller for a quick run (bench/scale.ts)
  BENCH_CONTENTION_LIFECYCLES (2000)        scale: lifecycles beside a bare server
  BENCH_INSTANCES_CONVERSATIONS (2000), BENCH_INSTANCES_AGENTS (100), BENCH_INSTANCES_CONCURRENCY (32)
                                            instances: 1 and 3 instances on PostgreSQL and Kafka
  KAFKA_BROKERS                             kafka: this broker, else the local one of infra/kafka`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) return console.log(USAGE);

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
  if (run('instances')) console.log(JSON.stringify(await instancesBench()));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
