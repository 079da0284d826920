import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Admin, Consumer, IHeaders, Kafka, Partitioners, Producer, logLevel } from 'kafkajs';
import { SocketRegistry } from '#kafka';
import { ConversationEventRecord } from '#kafka';
import { TOPICS, ensureTopics, topicSpecs } from '#kafka';
import { AppProcess, REPO_ROOT, pollUntil } from '../support/app-process';

/**
 * Kafka test harness: a real broker, never a fake, never skipped. KAFKA_TEST_BROKERS must name it
 * (infra/test.sh starts one and sets it); without it every Kafka suite fails on load.
 */
export const requireBrokers = (): string[] => {
  const raw = process.env.KAFKA_TEST_BROKERS;
  const brokers = (raw ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) {
    throw new Error(
      'KAFKA_TEST_BROKERS is not set. The Kafka tests run against a real broker and are never skipped: ' +
        'run `bash infra/kafka/start.sh` and then `KAFKA_TEST_BROKERS=127.0.0.1:9092 npx jest test/kafka` (or `npm test`).',
    );
  }
  return brokers;
};

export const BROKERS = requireBrokers();

/** Ids unique to this run: nothing here depends on what earlier runs left in the topics. */
export const runId = (): string => randomUUID().slice(0, 8);

/** Every test client's sockets: afterAll destroys what kafkajs leaves open (see SocketRegistry). */
export const sockets = new SocketRegistry();

export const testKafka = (clientId: string): Kafka =>
  new Kafka({
    socketFactory: sockets.factory,
    clientId,
    brokers: BROKERS,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 10 },
  });

/** Creates the three topics if this is a fresh broker (as the service would). */
export const ensureServiceTopics = async (admin: Admin): Promise<void> => {
  await ensureTopics(admin, topicSpecs()).catch(async (error) => {
    // Another process created them at the same moment.
    const existing = new Set(await admin.listTopics());
    if (!topicSpecs().every((s) => existing.has(s.topic))) throw error;
  });
};

/** Commits `groupId`'s offsets at the current end of `topics`: a new group that starts where "now" is. */
export const groupAtEnd = async (admin: Admin, groupId: string, topics: string[]): Promise<void> => {
  for (const topic of topics) {
    const offsets = await endOffsets(admin, topic);
    await admin.setOffsets({
      groupId,
      topic,
      partitions: offsets.map(({ partition, high }) => ({ partition, offset: high })),
    });
  }
};

/**
 * A topic just created answers "not the leader" until its leader is known to the broker it asked (seconds on a
 * loaded machine); kafkajs does not retry that here, so a retriable error is asked again, a bounded number of times.
 */
const endOffsets = async (admin: Admin, topic: string, attempts = 50) => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      if (attempt >= attempts || !(error as { retriable?: boolean }).retriable) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
};

/**
 * The service's environment for a test: its own consumer group (so parallel services never share
 * partitions), starting at the current end of the channel-events topic, and a short session timeout
 * so a SIGKILLed member is evicted from the group in seconds rather than the default 10 s.
 */
export const startKafkaApp = async (admin: Admin, name: string): Promise<AppProcess> => {
  const groupId = `omnichannel-test-${name}-${randomUUID()}`;
  await groupAtEnd(admin, groupId, [TOPICS.channelEvents]);
  return AppProcess.start({
    env: {
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_CONSUMER_GROUP: groupId,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_CLIENT_ID: `omnichannel-test-${name}`,
    },
    healthDeadlineMs: 30_000,
  });
};

export interface SeenRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

const headerStrings = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers ?? {}).map(([k, v]) => [
      k,
      Array.isArray(v) ? v.map(String).join(',') : v === undefined ? '' : v.toString(),
    ]),
  );

/**
 * Reads the outbound and dead-letter topics from where they ended when it started, keeping every
 * record it sees (once per topic/partition/offset, across restarts of its consumer).
 */
export class TopicReader {
  readonly records: SeenRecord[] = [];
  private readonly seen = new Set<string>();
  private consumer?: Consumer;

  private constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly topics: string[],
  ) {}

  static async start(
    kafka: Kafka,
    admin: Admin,
    topics: string[] = [TOPICS.conversationEvents, TOPICS.channelEventsDlq],
  ): Promise<TopicReader> {
    const groupId = `omnichannel-test-reader-${randomUUID()}`;
    await groupAtEnd(admin, groupId, topics);
    const reader = new TopicReader(kafka, groupId, topics);
    await reader.run();
    return reader;
  }

  /** A fresh consumer in the same group, from its committed offsets (after a broker restart). */
  async restart(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.run();
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }

  /** Outbound records with this key, parsed, in the order they were read (duplicates included). */
  conversationEvents(key: string): ConversationEventRecord[] {
    return this.records
      .filter((r) => r.topic === TOPICS.conversationEvents && r.key === key)
      .sort(byPartitionOffset)
      .map((r) => JSON.parse(r.value!.toString('utf8')) as ConversationEventRecord);
  }

  outboundRecords(key: string): SeenRecord[] {
    return this.records.filter((r) => r.topic === TOPICS.conversationEvents && r.key === key).sort(byPartitionOffset);
  }

  deadLetters(key: string): SeenRecord[] {
    return this.records.filter((r) => r.topic === TOPICS.channelEventsDlq && r.key === key).sort(byPartitionOffset);
  }

  private async run(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 6_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 250,
      // No restarts behind our back (a consumer restarting after stop() would keep jest alive): restart() is explicit.
      retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 10, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const id = `${topic}/${partition}/${message.offset}`;
        if (this.seen.has(id)) return;
        this.seen.add(id);
        this.records.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value,
          headers: headerStrings(message.headers),
        });
      },
    });
  }
}

const byPartitionOffset = (a: SeenRecord, b: SeenRecord) =>
  a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset));

/** Produces channel events (or any bytes) the way an adapter would: keyed, acks=-1. */
export class ChannelProducer {
  private producer: Producer;

  private constructor(private readonly kafka: Kafka) {
    this.producer = this.create();
  }

  static async start(kafka: Kafka): Promise<ChannelProducer> {
    const producer = new ChannelProducer(kafka);
    await producer.producer.connect();
    return producer;
  }

  /** Sends one record; resolves to where it landed. */
  async send(
    key: string | null,
    value: Buffer | string | null,
    headers?: IHeaders,
  ): Promise<{ partition: number; offset: string }> {
    const [meta] = await this.producer.send({
      topic: TOPICS.channelEvents,
      acks: -1,
      messages: [{ key, value, headers }],
    });
    return { partition: meta.partition, offset: meta.baseOffset ?? meta.offset ?? '' };
  }

  sendEvent(event: { conversationId: string }): Promise<{ partition: number; offset: string }> {
    return this.send(event.conversationId, JSON.stringify(event));
  }

  /** A new producer (after a broker restart). */
  async reconnect(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    this.producer = this.create();
    await this.producer.connect();
  }

  async stop(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }

  private create(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
  }
}

/** The audit trail (GET /conversations/{id}/events), or [] while the conversation is unknown. */
export const auditTrail = async (
  app: AppProcess,
  conversationId: string,
): Promise<{ eventId: string; type: string; position: number; causationId?: string }[]> => {
  const response = await app.get(`/conversations/${conversationId}/events`);
  return response.status === 200 ? response.body : [];
};

/** First occurrence of each eventId, in the order read: what a consumer that dedupes on eventId sees. */
export const dedupe = (records: ConversationEventRecord[]): ConversationEventRecord[] => {
  const seen = new Set<string>();
  return records.filter((r) => {
    if (seen.has(r.eventId)) return false;
    seen.add(r.eventId);
    return true;
  });
};

/**
 * Waits until the outbound topic carries exactly the conversation's audit trail for `key`: the
 * same events, in the same order (store order), with strictly increasing positions.
 */
export const waitForOutboundToMatchAudit = async (
  app: AppProcess,
  reader: TopicReader,
  conversationId: string,
  timeoutMs = 20_000,
): Promise<ConversationEventRecord[]> => {
  let last = '';
  try {
    return await pollUntil(
      `the outbound topic to carry the audit trail of ${conversationId}`,
      async () => {
        const audit = await auditTrail(app, conversationId);
        const published = dedupe(reader.conversationEvents(conversationId));
        last = `audit ${JSON.stringify(audit.map((e) => e.type))}\npublished ${JSON.stringify(published.map((e) => e.type))}`;
        if (audit.length === 0 || published.length !== audit.length) return undefined;
        return published.every((e, i) => e.eventId === audit[i].eventId) ? published : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${last}`, { cause: error });
  }
};

/** Runs infra/kafka/stop.sh or start.sh (the shared local broker). */
export const brokerScript = (script: 'start.sh' | 'stop.sh'): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(
      'bash',
      [`${REPO_ROOT}/infra/kafka/${script}`],
      { cwd: REPO_ROOT, timeout: 150_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`infra/kafka/${script} failed: ${error.message}\n${stdout}\n${stderr}`));
        else resolve(`${stdout}${stderr}`.trim());
      },
    );
  });

export const health = async (
  app: AppProcess,
): Promise<{ status: number; kafka?: { healthy: boolean; detail?: string } }> => {
  const response = await app.get('/health').catch(() => undefined);
  if (!response) return { status: 0 };
  return { status: response.status, kafka: response.body?.components?.kafka };
};
