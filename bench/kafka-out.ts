import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Admin, Kafka } from 'kafkajs';
import { SqliteEventStore } from '#event-store';
import { ConversationEventPublisher, SerialProducer, SqliteCheckpointStore } from '#kafka';
import { seed } from './replay';
import { round } from './stats';

const quiet = { log: () => undefined, warn: (m: string) => console.error(m), error: (m: string) => console.error(m) };

/**
 * Kafka out: a store of `events` events (whole live-chat lives, as the engine writes them) published from
 * position 0 by the service's own publisher, to a topic of its own (3 partitions, keyed like the real one);
 * the rate is events over the time until the durable checkpoint reached the store's head.
 */
export async function kafkaOutBench(kafka: Kafka, admin: Admin, events: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'omnichannel-kafka-out-bench-'));
  const topic = `omnichannel-bench-out-${randomUUID().slice(0, 8)}`;
  const store = new SqliteEventStore(join(dir, 'store'));
  const checkpoints = new SqliteCheckpointStore(dir);
  const producer = new SerialProducer(kafka, 'bench', quiet);
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  try {
    const total = await seed(store, events);
    const head = await store.headPosition();
    await producer.connect();
    let reachedHead = () => {};
    const reached = new Promise<void>((resolve) => (reachedHead = resolve));
    // The checkpoint moves only after the broker's ack: the last save is the moment everything is published.
    const watched = {
      load: (name: string) => checkpoints.load(name),
      save: (name: string, position: number) => {
        checkpoints.save(name, position);
        if (position >= head) reachedHead();
      },
      close: () => checkpoints.close(),
    };
    const publisher = new ConversationEventPublisher({ store, checkpoints: watched, producer, logger: quiet, topic });
    const started = performance.now();
    publisher.start();
    await reached;
    const seconds = (performance.now() - started) / 1000;
    await publisher.stop();
    return { events: total, seconds: round(seconds), publishedEventsPerSec: round(total / seconds, 0) };
  } finally {
    await producer.stop();
    await store.close();
    checkpoints.close();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
