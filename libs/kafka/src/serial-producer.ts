import { Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { MessagingLogger } from './client';
import { describeError } from './backoff';

/** Sends records and resolves once the broker acknowledged them (what the publisher and the dead-letter writer need). */
export interface RecordSender {
  send(topic: string, messages: Message[]): Promise<void>;
}

/**
 * One idempotent producer (acks=-1, one request in flight) whose sends run one after another.
 * kafkajs' idempotent producer is only safe with serial sends, and after a send that failed its
 * sequence numbers may no longer match the broker's: so a failed producer is thrown away and the
 * next send starts a fresh one (new producer id). The caller retries the failed send: that may
 * write a message twice, never out of order, which the at-least-once contract allows.
 */
export class SerialProducer implements RecordSender {
  private producer?: Producer;
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private lastError?: string;

  constructor(
    private readonly kafka: Kafka,
    private readonly name: string,
    private readonly logger: MessagingLogger,
  ) {}

  /** True once connected and until a connect or send fails. */
  get connected(): boolean {
    return this.producer !== undefined && this.lastError === undefined;
  }

  get error(): string | undefined {
    return this.lastError;
  }

  /** Connects now (rather than on the first send); throws if the broker cannot be reached. */
  async connect(): Promise<void> {
    await this.serially(() => this.ensure());
  }

  /** Resolves once every message is acknowledged by all in-sync replicas. */
  send(topic: string, messages: Message[]): Promise<void> {
    return this.serially(async () => {
      const producer = await this.ensure();
      try {
        await producer.send({ topic, messages, acks: -1 });
        this.lastError = undefined;
      } catch (error) {
        this.discard(error);
        throw error;
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async ensure(): Promise<Producer> {
    if (this.stopped) throw new Error(`${this.name} producer is stopped`);
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // The Java client's murmur2 partitioner: a key lands on the same partition whoever produces it.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    try {
      await producer.connect();
    } catch (error) {
      this.lastError = describeError(error);
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await producer.disconnect().catch(() => undefined);
      throw new Error(`${this.name} producer is stopped`);
    }
    this.producer = producer;
    this.lastError = undefined;
    return producer;
  }

  private discard(error: unknown): void {
    this.lastError = describeError(error);
    this.logger.warn(`${this.name} producer: send failed (${this.lastError}); a new producer will be used`);
    const producer = this.producer;
    this.producer = undefined;
    void producer?.disconnect().catch(() => undefined);
  }
}
