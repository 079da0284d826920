import { Kafka, logLevel } from 'kafkajs';
import { EventStore } from '#event-store';
import { Backoff, describeError, sleep, withTimeout } from './backoff';
import { BrokerProbe } from './broker-probe';
import { ChannelEventGateway, ExecuteChannelCommand } from './channel-event-gateway';
import { CheckpointStore } from './checkpoint-store';
import { KafkaSecurity, MessagingLogger, SocketRegistry, createKafka } from './client';
import { ConversationEventPublisher } from './conversation-event-publisher';
import { DeadLetterWriter } from './dead-letter-writer';
import { PartitionGroup, PartitionGroupOptions } from './partition-group';
import { SerialProducer } from './serial-producer';
import { TOPICS, ensureTopics, topicSpecs } from './topics';

export interface KafkaBridgeOptions {
  brokers: string[];
  clientId: string;
  /** The channel event consumer group (contract default: omnichannel-engine). */
  groupId: string;
  store: EventStore;
  checkpoints: CheckpointStore;
  execute: ExecuteChannelCommand;
  logger: MessagingLogger;
  logLevel?: logLevel;
  replicationFactor?: number;
  partitions?: number;
  sessionTimeoutMs?: number;
  probeIntervalMs?: number;
  security?: KafkaSecurity;
  /**
   * On a shared store: ownership of the work partitions through a consumer group (docs/instances.md); the outbox
   * publishes the partitions this instance owns, each from the checkpoint the group keeps. Unset (one process on its
   * own store): no group, the outbox publishes every partition, from `checkpoints`.
   */
  partitionGroup?: Omit<PartitionGroupOptions, 'kafka' | 'logger'>;
}

export interface KafkaHealth {
  healthy: boolean;
  detail: string;
}

/**
 * Everything Kafka in one place: creates the topics, then runs the channel event gateway (in),
 * its dead-letter writer, and the conversation event publisher (out), and reports their health.
 * `start` returns at once and keeps trying in the background while the broker cannot be reached.
 */
export class KafkaBridge {
  readonly gateway: ChannelEventGateway;
  readonly partitions?: PartitionGroup;
  private readonly outbox: ConversationEventPublisher;
  private readonly kafka: Kafka;
  private readonly probe: BrokerProbe;
  private readonly dlqProducer: SerialProducer;
  private readonly outProducer: SerialProducer;
  private readonly abort = new AbortController();
  private readonly sockets = new SocketRegistry();
  private starting?: Promise<void>;
  private started = false;
  private stopping?: Promise<void>;
  private startError?: string;

  constructor(private readonly options: KafkaBridgeOptions) {
    const { brokers, clientId, logger, security } = options;
    this.kafka = createKafka({
      clientId,
      brokers,
      logger,
      logLevel: options.logLevel,
      sockets: this.sockets,
      security,
    });
    // The probe's own client: short timeouts, no retries, no log noise (its result is the signal).
    const probeKafka = createKafka({
      clientId: `${clientId}-probe`,
      brokers,
      logger,
      logLevel: logLevel.NOTHING,
      connectionTimeoutMs: 1_000,
      requestTimeoutMs: 2_000,
      retry: { retries: 0 },
      sockets: this.sockets,
      security,
    });
    this.probe = new BrokerProbe({
      kafka: probeKafka,
      logger,
      intervalMs: options.probeIntervalMs ?? 1_000,
      timeoutMs: 2_500,
    });
    this.dlqProducer = new SerialProducer(this.kafka, 'dead-letter', logger);
    this.outProducer = new SerialProducer(this.kafka, 'conversation-events', logger);
    if (options.partitionGroup) {
      const group = options.partitionGroup;
      this.partitions = new PartitionGroup({
        ...group,
        kafka: this.kafka,
        logger,
        onAssignment: (partitions) => {
          this.outbox.assign(partitions);
          group.onAssignment(partitions);
        },
      });
    }
    this.outbox = new ConversationEventPublisher({
      store: options.store,
      ...(this.partitions ? { partitions: this.partitions.checkpoints } : { checkpoints: options.checkpoints }),
      producer: this.outProducer,
      logger,
    });
    this.gateway = new ChannelEventGateway({
      kafka: this.kafka,
      groupId: options.groupId,
      execute: options.execute,
      deadLetters: new DeadLetterWriter(this.dlqProducer, TOPICS.channelEventsDlq, options.groupId),
      logger,
      sessionTimeoutMs: options.sessionTimeoutMs,
    });
  }

  /** The outbox: the conversation events of the partitions this instance owns. */
  get publisher(): ConversationEventPublisher {
    return this.outbox;
  }

  /**
   * SIGTERM: the outbox finishes its request in flight and checkpoints it, then the member leaves the group, so the
   * new owners resume exactly where it stopped, and take the partitions over at once.
   */
  async leavePartitions(): Promise<void> {
    if (!this.partitions) return;
    await withTimeout(this.outbox.release(), 5_000, 'the outbox did not hand over in time').catch((error) =>
      this.options.logger.warn(describeError(error)),
    );
    await this.partitions.stop();
  }

  start(): void {
    this.probe.start();
    this.starting ??= this.startInBackground();
  }

  /** Resolves once topics exist, producers are connected and the consumer and publisher are running. */
  whenStarted(): Promise<void> {
    return this.starting ?? Promise.resolve();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const started = Date.now();
      this.abort.abort();
      await this.starting;
      // Partitions handed over and intake stopped first, so no new command starts; then the publisher, the producers.
      await this.partitions?.stop();
      await this.gateway.stop();
      await this.outbox.stop();
      await Promise.all([this.dlqProducer.stop(), this.outProducer.stop(), this.probe.stop()]);
      this.options.checkpoints.close();
      const leaked = this.sockets.destroyAll();
      this.options.logger.log(
        `stopped in ${Date.now() - started} ms${leaked ? ` (closed ${leaked} connection(s) kafkajs left open)` : ''}`,
      );
    })();
    return this.stopping;
  }

  health(): KafkaHealth {
    const reachable = this.probe.reachable;
    const producers = this.outProducer.connected && this.dlqProducer.connected;
    // An instance that does not own the outbox has none to be healthy.
    const outbox = this.outbox.healthy;
    const healthy = this.started && !this.stopping && reachable && producers && this.gateway.healthy && outbox;
    const parts = [
      this.probe.detail,
      this.started ? 'topics ready' : `starting${this.startError ? ` (${this.startError})` : ''}`,
      this.gateway.detail,
      ...(this.partitions ? [this.partitions.detail] : []),
      `producers ${producers ? 'connected' : `not connected${this.outProducer.error ? `: ${this.outProducer.error}` : ''}`}`,
      `outbox of ${this.outbox.partitions.length} partition(s) published up to position ${this.outbox.position}${this.outbox.error ? ` (failing: ${this.outbox.error})` : ''}`,
    ];
    return { healthy, detail: parts.join('; ') };
  }

  private async startInBackground(): Promise<void> {
    const ok = await this.untilDone('creating Kafka topics', async () => {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
        const created = await ensureTopics(
          admin,
          topicSpecs({ partitions: this.options.partitions, replicationFactor: this.options.replicationFactor }),
        );
        if (created.length) this.options.logger.log(`created Kafka topics ${created.join(', ')}`);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    });
    if (!ok) return;
    if (
      !(await this.untilDone('connecting Kafka producers', () =>
        Promise.all([this.outProducer.connect(), this.dlqProducer.connect()]),
      ))
    )
      return;
    this.started = true;
    this.outbox.start();
    this.partitions?.start();
    this.gateway.start();
    this.startError = undefined;
  }

  private async untilDone(doing: string, attempt: () => Promise<unknown>): Promise<boolean> {
    const backoff = new Backoff(500, 5_000);
    while (!this.abort.signal.aborted) {
      try {
        await attempt();
        return true;
      } catch (error) {
        this.startError = `${doing}: ${describeError(error)}`;
        this.options.logger.warn(`${this.startError}; retrying`);
        await sleep(backoff.next(), this.abort.signal);
      }
    }
    return false;
  }
}
