import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Admin, Consumer, Kafka, Message, Partitioners, Producer, logLevel } from 'kafkajs';
import { TOPICS, ensureTopics, topicSpecs } from '#kafka';
import { kafkaOutBench } from './kafka-out';
import { BenchServer } from './server';
import { percentiles, processCpuMs, round, threadCpuMs } from './stats';

/**
 * The Kafka scenario: channel events produced to omnichannel.channel-events.v1, first at a fixed
 * rate, then as fast as possible; each is "visible" when the conversation event it caused
 * (causationId = its eventId) is read back from omnichannel.conversation-events.v1, i.e. after it
 * was consumed, applied, durably appended and published. Reports events/s applied and the
 * produce-to-visible latency percentiles.
 *
 * Env: KAFKA_BENCH_BROKERS (default KAFKA_BROKERS, else the local broker of infra/kafka, started if
 * needed), KAFKA_BENCH_RATE (events/s, default 1000), KAFKA_BENCH_SECONDS (fixed-rate duration,
 * default 10), KAFKA_BENCH_BURST (events, default 50,000), KAFKA_BENCH_MESSAGES (customer messages
 * per conversation, default 4), KAFKA_BENCH_OUT_EVENTS (stored events published in the Kafka-out part,
 * default 100,000).
 */
export async function kafkaBench(): Promise<Record<string, unknown>> {
  const { brokers, release } = await benchBroker();
  const rate = Number(process.env.KAFKA_BENCH_RATE ?? 1000);
  const seconds = Number(process.env.KAFKA_BENCH_SECONDS ?? 10);
  const burst = Number(process.env.KAFKA_BENCH_BURST ?? 50_000);
  const outEvents = Number(process.env.KAFKA_BENCH_OUT_EVENTS ?? 100_000);
  const perConversation = Number(process.env.KAFKA_BENCH_MESSAGES ?? 4);

  const kafka = new Kafka({ clientId: 'omnichannel-bench', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, topicSpecs()).catch(() => undefined);
  const group = `omnichannel-bench-${randomUUID()}`;
  await groupAtEnd(admin, group, [TOPICS.channelEvents]);

  const server = await BenchServer.start({
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_CONSUMER_GROUP: group,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
  });
  const watcher = await Watcher.start(kafka, admin);
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    const run = randomUUID().slice(0, 8);
    const route = { channel: 'live_chat', workstreamId: `bench-ws-${run}`, queueId: `bench-q-${run}` };
    await expectOk(server.request('PUT', `/queues/${route.queueId}`, { name: 'Kafka bench' }));
    await expectOk(
      server.request('PUT', `/workstreams/${route.workstreamId}`, {
        channel: 'live_chat',
        distribution: 'pick',
        capacityUnits: 1,
        wrapUpCapacityBlock: 'never',
      }),
    );

    const events = (count: number, tag: string) => channelEvents(count, perConversation, route, `${tag}-${run}`);

    // 1. Fixed rate: ticks of 10 ms, each sending its share of the rate.
    const fixed = events(Math.max(1, Math.round(rate * seconds)), 'fixed');
    const pid = server.process.pid!;
    let cpu = cpuNow(pid);
    const fixedStart = Date.now();
    const perTick = rate / 100;
    let sent = 0;
    for (let tick = 1; sent < fixed.length; tick++) {
      const target = Math.min(fixed.length, Math.floor(tick * perTick));
      if (target > sent) {
        await send(producer, watcher, fixed.slice(sent, target));
        sent = target;
      }
      await sleep(Math.max(0, fixedStart + tick * 10 - Date.now()));
    }
    const fixedResult = { ...(await watcher.settle(fixed, fixedStart)), ...cpuPerEvent(pid, cpu, fixed.length) };

    // 2. As fast as possible: batches of 500 records.
    const fast = events(burst, 'burst');
    cpu = cpuNow(pid);
    const fastStart = Date.now();
    for (let i = 0; i < fast.length; i += 500) await send(producer, watcher, fast.slice(i, i + 500));
    const fastResult = { ...(await watcher.settle(fast, fastStart)), ...cpuPerEvent(pid, cpu, fast.length) };

    const out = await kafkaOutBench(kafka, admin, outEvents);

    const result = {
      scenario: 'kafka',
      fixedRate: { targetEventsPerSec: rate, ...fixedResult },
      asFastAsPossible: fastResult,
      out,
      latency: 'produce call to the caused conversation event read back from omnichannel.conversation-events.v1 (ms)',
    };
    console.error(
      `kafka bench: fixed ${rate}/s -> ${fixedResult.appliedEventsPerSec} events/s applied, p50 ${fixedResult.p50Ms} ms, p99 ${fixedResult.p99Ms} ms; ` +
        `burst of ${burst} -> ${fastResult.appliedEventsPerSec} events/s applied, p50 ${fastResult.p50Ms} ms, p99 ${fastResult.p99Ms} ms, ` +
        `service CPU ${fastResult.serviceCpuMsPerEvent} ms/event (main thread ${fastResult.mainThreadCpuMsPerEvent}); ` +
        `out: ${out.publishedEventsPerSec} events/s published`,
    );
    return result;
  } finally {
    await producer.disconnect().catch(() => undefined);
    await watcher.stop();
    await admin.disconnect().catch(() => undefined);
    await server.stop();
    release();
  }
}

/**
 * KAFKA_BENCH_BROKERS or KAFKA_BROKERS, else the local broker of infra/kafka, started if needed. A broker started
 * here is stopped (and its data removed) by `release`; one already running is left as it was.
 */
export async function benchBroker(): Promise<{ brokers: string[]; release: () => void }> {
  const configured = process.env.KAFKA_BENCH_BROKERS ?? process.env.KAFKA_BROKERS;
  const infra = (script: string, ...args: string[]) =>
    execFileSync('bash', [join(__dirname, '..', '..', 'infra', 'kafka', script), ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const startedHere = !configured && !(await listening(9092));
  if (!configured) infra('start.sh');
  const brokers = (configured ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  return { brokers, release: () => startedHere && infra('stop.sh', '--clean') };
}

const cpuNow = (pid: number) => ({ process: processCpuMs(pid), mainThread: threadCpuMs(pid) });

/**
 * The service's CPU time per event since `since`, all threads and its main thread (the event loop that consumes and
 * applies: the ceiling when other threads have spare cores), and what the whole would sustain on one core.
 */
const cpuPerEvent = (pid: number, since: ReturnType<typeof cpuNow>, events: number) => {
  const now = cpuNow(pid);
  const perEvent = (now.process - since.process) / events;
  return {
    serviceCpuMsPerEvent: round(perEvent, 3),
    mainThreadCpuMsPerEvent: round((now.mainThread - since.mainThread) / events, 3),
    eventsPerCpuSecond: round(1000 / perEvent, 0),
  };
};

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

interface BenchEvent {
  eventId: string;
  conversationId: string;
  value: string;
}

/** Conversations of one request and `perConversation` customer messages, interleaved across conversations. */
const channelEvents = (
  count: number,
  perConversation: number,
  route: Record<string, string>,
  tag: string,
): BenchEvent[] => {
  const conversations = Math.max(1, Math.ceil(count / (1 + perConversation)));
  const ids = Array.from({ length: conversations }, (_, i) => `bench-${tag}-${i}`);
  const out: BenchEvent[] = [];
  const push = (conversationId: string, type: string, payload: Record<string, unknown>) => {
    const eventId = randomUUID();
    out.push({
      eventId,
      conversationId,
      value: JSON.stringify({ eventId, type, conversationId, occurredAt: new Date().toISOString(), payload }),
    });
  };
  for (const id of ids)
    push(id, 'conversation.requested', { ...route, customer: { id: `customer-${id}`, authenticated: true } });
  for (let k = 0; k < perConversation; k++)
    for (const id of ids) push(id, 'customer.message', { text: `message ${k + 1}` });
  return out.slice(0, count);
};

const send = async (producer: Producer, watcher: Watcher, events: BenchEvent[]): Promise<void> => {
  const now = Date.now();
  for (const e of events) watcher.expect(e.eventId, now);
  const messages: Message[] = events.map((e) => ({ key: e.conversationId, value: e.value }));
  await producer.send({ topic: TOPICS.channelEvents, acks: -1, messages });
};

/** Reads the outbound topic; notes when the first event caused by each channel event appears. */
class Watcher {
  private readonly sentAt = new Map<string, number>();
  private readonly seenAt = new Map<string, number>();

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, admin: Admin): Promise<Watcher> {
    const groupId = `omnichannel-bench-watch-${randomUUID()}`;
    await groupAtEnd(admin, groupId, [TOPICS.conversationEvents]);
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    const watcher = new Watcher(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.conversationEvents] });
    await consumer.run({
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const message of batch.messages) {
          if (!message.value) continue;
          const { causationId } = JSON.parse(message.value.toString('utf8')) as { causationId: string | null };
          if (causationId && watcher.sentAt.has(causationId) && !watcher.seenAt.has(causationId))
            watcher.seenAt.set(causationId, now);
        }
      },
    });
    return watcher;
  }

  expect(eventId: string, at: number): void {
    this.sentAt.set(eventId, at);
  }

  /** Waits until every event was seen (or 120 s), then reports throughput and latency. */
  async settle(events: BenchEvent[], startedAt: number) {
    const deadline = Date.now() + 120_000;
    while (events.some((e) => !this.seenAt.has(e.eventId)) && Date.now() < deadline) await sleep(50);
    const seen = events.filter((e) => this.seenAt.has(e.eventId));
    const latencies = seen.map((e) => this.seenAt.get(e.eventId)! - this.sentAt.get(e.eventId)!);
    const lastSeen = Math.max(...seen.map((e) => this.seenAt.get(e.eventId)!), startedAt);
    const { p50, p99, max } = percentiles(latencies);
    return {
      events: events.length,
      applied: seen.length,
      lost: events.length - seen.length,
      seconds: round((lastSeen - startedAt) / 1000),
      appliedEventsPerSec: round(seen.length / Math.max(0.001, (lastSeen - startedAt) / 1000), 1),
      p50Ms: p50,
      p99Ms: p99,
      maxMs: max,
    };
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
  }
}

const groupAtEnd = async (admin: Admin, groupId: string, topics: string[]): Promise<void> => {
  for (const topic of topics) {
    const offsets = await untilLed(() => admin.fetchTopicOffsets(topic));
    await admin.setOffsets({
      groupId,
      topic,
      partitions: offsets.map(({ partition, high }) => ({ partition, offset: high })),
    });
  }
};

/**
 * On a broker just started, the service has only now created its topics, and a partition may have no leader yet
 * (NOT_LEADER_FOR_PARTITION, which kafkajs marks retriable): ask again until it has one, for up to 30 s.
 */
const untilLed = async <T>(ask: () => Promise<T>): Promise<T> => {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await ask();
    } catch (error) {
      if (!(error as { retriable?: boolean }).retriable || Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
};

const expectOk = async (response: Promise<{ status: number; json: unknown }>) => {
  const { status, json } = await response;
  if (status >= 300) throw new Error(`set-up failed: ${status} ${JSON.stringify(json)}`);
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (require.main === module) {
  kafkaBench().then(
    (result) => console.log(JSON.stringify(result)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
