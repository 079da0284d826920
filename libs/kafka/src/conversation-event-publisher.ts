import { Message } from 'kafkajs';
import { EventStore, StoredEvent, Subscription } from '#event-store';
import { isChannelEventMarker, isSoleOwnerLeaseEvent } from '#event-envelope';
import { Backoff, describeError, sleep, withTimeout } from './backoff';
import { CheckpointStore } from './checkpoint-store';
import { MessagingLogger } from './client';
import { toConversationEventMessage } from './conversation-event-message';
import { RecordSender } from './serial-producer';
import { TOPICS } from './topics';

export interface ConversationEventPublisherOptions {
  store: EventStore;
  checkpoints: CheckpointStore;
  producer: RecordSender;
  logger: MessagingLogger;
  topic?: string;
  /** The checkpoint's name in the store (one per topic the events go to). */
  checkpointName?: string;
  /** Upper bound of one produce request's payload (the broker refuses batches over message.max.bytes, 1 MiB). */
  maxRequestBytes?: number;
  maxRequestCount?: number;
  toMessage?: (event: StoredEvent) => Message;
  backoff?: Backoff;
}

class PublisherStopped extends Error {
  constructor() {
    super('the publisher is stopping');
    this.name = 'PublisherStopped';
  }
}

/**
 * The outbox: every stored event but the channel-event markers (bookkeeping of the store), in store order, to the conversation-events topic. It follows
 * the store from its checkpoint (the position of the last event the broker acknowledged) and
 * moves the checkpoint only after an ack, one produce request at a time, so a restart resumes
 * where it stopped: nothing is skipped or reordered, and what was sent but not checkpointed when
 * the process died is sent again (same eventId). A failed send is retried, with back-off and a
 * fresh producer, until it succeeds: a broker outage delays publication, it never drops events.
 */
export class ConversationEventPublisher {
  private readonly topic: string;
  private readonly checkpointName: string;
  private readonly maxRequestBytes: number;
  private readonly maxRequestCount: number;
  private readonly toMessage: (event: StoredEvent) => Message;
  private readonly backoff: Backoff;
  private readonly abort = new AbortController();
  private subscription?: Subscription;
  private resubscribe?: NodeJS.Timeout;
  private started = false;
  private stopping = false;
  private published = 0;
  private checkpoint = 0;
  private failure?: string;
  private failingSince?: number;

  constructor(private readonly options: ConversationEventPublisherOptions) {
    this.topic = options.topic ?? TOPICS.conversationEvents;
    this.checkpointName = options.checkpointName ?? this.topic;
    this.maxRequestBytes = options.maxRequestBytes ?? 512 * 1024;
    this.maxRequestCount = options.maxRequestCount ?? 500;
    this.toMessage = options.toMessage ?? toConversationEventMessage;
    this.backoff = options.backoff ?? new Backoff(200, 5_000);
  }

  /** The position of the last event the broker acknowledged (the checkpoint). */
  get position(): number {
    return this.checkpoint;
  }

  /** Events published since start. */
  get count(): number {
    return this.published;
  }

  /** Healthy while following the store and sends succeed. */
  get healthy(): boolean {
    return this.started && !this.stopping && this.failure === undefined;
  }

  get error(): string | undefined {
    return this.failure;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.resume();
  }

  /** Loads the checkpoint (it may live in the broker: then retried until it is read), then follows the store. */
  private async resume(): Promise<void> {
    try {
      this.checkpoint = (await this.options.checkpoints.load(this.checkpointName)) ?? 0;
    } catch (error) {
      if (this.stopping) return;
      this.fail(error, 'loading the checkpoint');
      this.resubscribe = setTimeout(() => void this.resume(), this.backoff.next());
      return;
    }
    if (this.stopping) return;
    this.options.logger.log(`publishing stored events to ${this.topic} after position ${this.checkpoint}`);
    this.follow();
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.abort.abort();
    clearTimeout(this.resubscribe);
    // A send in flight during an outage may hang on kafkajs' own retries; do not wait forever.
    await withTimeout(this.subscription?.stop() ?? Promise.resolve(), 10_000, 'publisher did not stop in time').catch(
      (error) => this.options.logger.warn(describeError(error)),
    );
  }

  private follow(): void {
    if (this.stopping) return;
    this.subscription = this.options.store.subscribeToAll(
      this.checkpoint,
      (events) => this.publish(events),
      (error) => this.onSubscriptionError(error),
    );
  }

  /** The store subscription stopped on an error (e.g. the store is unavailable): follow again from the checkpoint. */
  private onSubscriptionError(error: unknown): void {
    if (this.stopping || error instanceof PublisherStopped) return;
    this.fail(error, 'reading the event store');
    this.resubscribe = setTimeout(() => this.follow(), this.backoff.next());
  }

  private async publish(events: StoredEvent[]): Promise<void> {
    for (const request of this.requests(events)) {
      await this.sendUntilAcknowledged(request.messages);
      await this.options.checkpoints.save(this.checkpointName, request.last);
      this.checkpoint = request.last;
      this.published += request.messages.length;
    }
    // Markers (and lease events) ending the batch are not published; the checkpoint passes them all the same (the store's head).
    const last = events.length > 0 ? events[events.length - 1].position : 0;
    if (last > this.checkpoint) {
      this.options.checkpoints.save(this.checkpointName, last);
      this.checkpoint = last;
    }
  }

  private *requests(events: StoredEvent[]): Generator<{ messages: Message[]; last: number }> {
    let messages: Message[] = [];
    let bytes = 0;
    let last = 0;
    for (const event of events) {
      if (isChannelEventMarker(event) || isSoleOwnerLeaseEvent(event)) continue;
      const message = this.toMessage(event);
      const size = sizeOf(message);
      if (messages.length > 0 && (bytes + size > this.maxRequestBytes || messages.length >= this.maxRequestCount)) {
        yield { messages, last };
        messages = [];
        bytes = 0;
      }
      messages.push(message);
      bytes += size;
      last = event.position;
    }
    if (messages.length > 0) yield { messages, last };
  }

  private async sendUntilAcknowledged(messages: Message[]): Promise<void> {
    for (;;) {
      if (this.stopping) throw new PublisherStopped();
      try {
        await this.options.producer.send(this.topic, messages);
        if (this.failure !== undefined) {
          this.options.logger.log(
            `publishing to ${this.topic} again after ${Date.now() - (this.failingSince ?? Date.now())} ms`,
          );
        }
        this.failure = undefined;
        this.failingSince = undefined;
        this.backoff.reset();
        return;
      } catch (error) {
        this.fail(error, `publishing ${messages.length} event(s) to ${this.topic}`);
        await sleep(this.backoff.next(), this.abort.signal);
      }
    }
  }

  private fail(error: unknown, doing: string): void {
    const described = describeError(error);
    if (this.failure === undefined) {
      this.failingSince = Date.now();
      this.options.logger.warn(`${doing} failed, retrying from position ${this.checkpoint}: ${described}`);
    }
    this.failure = described;
  }
}

const sizeOf = (message: Message): number => {
  const length = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : Buffer.isBuffer(v) ? v.length : 0);
  const headers = Object.entries(message.headers ?? {}).reduce((sum, [k, v]) => sum + k.length + length(v), 0);
  return length(message.key) + length(message.value) + headers + 64;
};
