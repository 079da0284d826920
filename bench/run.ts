import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lifecycleBench } from './lifecycle';
import { replayBench } from './replay';

/**
 * `npm run bench`: one JSON line per scenario. Scale with BENCH_CONVERSATIONS (lifecycle) and
 * BENCH_REPLAY_EVENTS (replay); the Kafka scenario runs when KAFKA_BROKERS points at a broker.
 */
async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  const run = (name: string) => !only || only.split(',').includes(name);
  if (run('lifecycle')) console.log(JSON.stringify(await lifecycleBench(Number(process.env.BENCH_CONVERSATIONS ?? 2000))));
  if (run('replay')) console.log(JSON.stringify(await replayBench(Number(process.env.BENCH_REPLAY_EVENTS ?? 1_000_000))));
  const kafkaScenario = join(__dirname, 'kafka.js');
  if (run('kafka') && existsSync(kafkaScenario)) {
    if (!process.env.KAFKA_BROKERS) console.log(JSON.stringify({ scenario: 'kafka', skipped: 'set KAFKA_BROKERS (npm run kafka:start; KAFKA_BROKERS=127.0.0.1:9092 npm run bench)' }));
    else console.log(JSON.stringify(await (await import(kafkaScenario)).kafkaBench()));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
