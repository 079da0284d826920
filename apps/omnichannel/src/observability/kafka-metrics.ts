import { Admin, logLevel } from 'kafkajs';
import { EventStore } from '#event-store';
import { KafkaBridge, MessagingLogger, SocketRegistry, TOPICS, createKafka, withTimeout } from '#kafka';
import { ageOfFirstAfter } from './engine-gauges';
import { Metrics } from './metrics';

/** A scrape does not wait longer than this for the broker. */
const LAG_TIMEOUT_MS = 2_000;

export interface KafkaMetricsOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  store: EventStore;
  logger: MessagingLogger;
}

/**
 * Kafka's gauges and counters: the consumer group's lag on the channel-events topic (end offsets minus the
 * committed ones, as Kafka's own tools count it, read with an admin client of its own), the outbox's distance
 * from the store head, and the gateway's and publisher's running totals. Returns what disconnects the admin.
 */
export const observeKafka = (
  metrics: Metrics,
  bridge: KafkaBridge,
  { brokers, clientId, groupId, store, logger }: KafkaMetricsOptions,
): (() => Promise<void>) => {
  const sockets = new SocketRegistry();
  const kafka = createKafka({
    clientId: `${clientId}-metrics`,
    brokers,
    logger,
    logLevel: logLevel.NOTHING,
    connectionTimeoutMs: 1_000,
    requestTimeoutMs: LAG_TIMEOUT_MS,
    retry: { retries: 0 },
    sockets,
  });
  let admin: Admin | undefined;
  let connecting: Promise<void> | undefined;
  const connected = async (): Promise<Admin> => {
    admin ??= kafka.admin();
    connecting ??= admin.connect().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    });
    await connecting;
    return admin;
  };

  metrics.gauge(
    'omnichannel_kafka_consumer_lag',
    'Channel-events records not yet committed by the consumer group, per partition (absent while the broker cannot be reached)',
    ['partition'],
    async (g) => {
      const topic = TOPICS.channelEvents;
      try {
        const lag = await withTimeout(
          (async () => {
            const client = await connected();
            const [committed] = await client.fetchOffsets({ groupId, topics: [topic] });
            const ends = await client.fetchTopicOffsets(topic);
            return ends.map(({ partition, high, low }) => {
              const offset = committed?.partitions.find((p) => p.partition === partition)?.offset;
              const from = offset === undefined || Number(offset) < 0 ? Number(low) : Number(offset);
              return { partition, lag: Math.max(0, Number(high) - from) };
            });
          })(),
          LAG_TIMEOUT_MS,
          'reading consumer lag timed out',
        );
        for (const { partition, lag: value } of lag) g.set({ partition: String(partition) }, value);
      } catch {
        // No value rather than a stale one: the broker's reachability is on /health and in the logs.
      }
    },
  );
  metrics.gauge(
    'omnichannel_kafka_outbox_position',
    'Store position of the last event the broker acknowledged',
    [],
    (g) => g.set(bridge.publisher.position),
  );
  metrics.gauge(
    'omnichannel_kafka_outbox_lag_positions',
    'Store head minus the outbox position (events not yet published, on the embedded store)',
    [],
    async (g) => g.set(Math.max(0, (await store.headPosition()) - bridge.publisher.position)),
  );
  metrics.gauge(
    'omnichannel_kafka_outbox_lag_seconds',
    'Age of the oldest stored event not yet published to the conversation-events topic (0 when caught up)',
    [],
    async (g) => g.set(await ageOfFirstAfter(store, bridge.publisher.position)),
  );
  metrics.mirroredCounter(
    'omnichannel_kafka_channel_records_total',
    'Channel-events records the Kafka gateway finished, by outcome (applied, duplicate, dead_lettered)',
    ['outcome'],
    () => {
      const { applied, duplicates, deadLettered } = bridge.gateway.stats;
      return [
        [{ outcome: 'applied' }, applied],
        [{ outcome: 'duplicate' }, duplicates],
        [{ outcome: 'dead_lettered' }, deadLettered],
      ];
    },
  );
  metrics.mirroredCounter(
    'omnichannel_kafka_channel_record_retries_total',
    'Attempts to apply a channel-events record that failed transiently and were retried',
    [],
    () => [[{}, bridge.gateway.stats.retries]],
  );
  metrics.mirroredCounter(
    'omnichannel_kafka_published_total',
    'Stored events the outbox published to the conversation-events topic',
    [],
    () => [[{}, bridge.publisher.count]],
  );
  return async () => {
    await admin?.disconnect().catch(() => undefined);
    sockets.destroyAll();
  };
};
