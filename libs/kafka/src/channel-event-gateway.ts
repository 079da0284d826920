import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { Cause } from '#command-handling';
import { ConversationCommand, DomainError } from '#domain';
import { toCommand } from '#messaging';
import { Backoff, describeError, sleep } from './backoff';
import { DEFAULT_RETRY, MessagingLogger } from './client';
import { DeadLetterWriter } from './dead-letter-writer';
import { Rejection, readChannelEvent, rejectionOf } from './rejection';
import { TOPICS } from './topics';

/** The command path every channel event takes (the same one POST /channel-events uses). */
export type ExecuteChannelCommand = (command: ConversationCommand, cause: Cause) => Promise<{ duplicate?: boolean }>;

export interface ChannelEventGatewayOptions {
  kafka: Kafka;
  groupId: string;
  execute: ExecuteChannelCommand;
  deadLetters: DeadLetterWriter;
  logger: MessagingLogger;
  topic?: string;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Partitions processed at the same time; within one, only a conversation's own records are kept in sequence. */
  partitionsConsumedConcurrently?: number;
  /** Commit a partition's offset after this many records, or this long, whichever first (and at the end of each batch). */
  commitEveryRecords?: number;
  commitEveryMs?: number;
  /** Which errors mean "this event can never be applied" (dead letter) rather than "not now" (retry). */
  isRejection?: (error: unknown) => error is DomainError;
}

export type GatewayState = 'stopped' | 'starting' | 'running' | 'restarting';

export interface GatewayStats {
  applied: number;
  duplicates: number;
  deadLettered: number;
  /** Attempts that failed transiently and were retried. */
  retries: number;
}

type Outcome = { kind: 'applied'; duplicate: boolean } | { kind: 'rejected'; rejection: Rejection };

/**
 * Conversations applied at once within a partition's batch: enough for appends to share group commits. 64 was
 * tried against it (docs/performance.md, issue 23): no less CPU per event on a quiet machine, and a worse p99.
 */
const IN_FLIGHT = 256;

/**
 * Channel events in: consumes omnichannel.channel-events.v1 in a consumer group and applies each
 * event through the command path. At least once in, exactly once in effect:
 * - within a partition's fetched batch, different conversations (keys) are applied concurrently (a sliding
 *   window) and one conversation's records strictly one after another (key = conversationId), so a
 *   conversation's events are applied in the order the adapter produced them;
 * - an offset is committed only after its record's command resolved (its events are durably
 *   appended) or its dead letter was acknowledged; after a crash the uncommitted records are
 *   delivered again and the command layer ignores an eventId it has already applied;
 * - a record that can never be applied (unparseable, invalid, unknown type, refused by the domain)
 *   goes to the dead-letter topic and consumption goes on;
 * - anything else (the store unavailable, any unexpected error) is retried in place with back-off,
 *   without committing, until it succeeds or the consumer stops.
 * A supervisor loop restarts the consumer (a fresh kafkajs consumer, resuming from the committed
 * offsets) whenever kafkajs gives up, so a broker outage of any length is ridden out.
 */
export class ChannelEventGateway {
  readonly stats: GatewayStats = { applied: 0, duplicates: 0, deadLettered: 0, retries: 0 };
  private readonly topic: string;
  private readonly abort = new AbortController();
  private readonly isRejection: (error: unknown) => error is DomainError;
  private consumer?: Consumer;
  private supervisor?: Promise<void>;
  private current: GatewayState = 'stopped';
  private lastError?: string;
  private assignment: number[] = [];
  /** Records currently being retried after a transient failure. */
  private retrying = 0;

  constructor(private readonly options: ChannelEventGatewayOptions) {
    this.topic = options.topic ?? TOPICS.channelEvents;
    this.isRejection = options.isRejection ?? ((error: unknown): error is DomainError => error instanceof DomainError);
  }

  get state(): GatewayState {
    return this.current;
  }

  /** Healthy while the consumer is in its group and no record is stuck on a transient failure. */
  get healthy(): boolean {
    return this.current === 'running' && this.retrying === 0;
  }

  get detail(): string {
    const parts = [`consumer ${this.current} in group ${this.options.groupId}`];
    if (this.current === 'running') parts.push(`partitions [${this.assignment.join(',')}]`);
    if (this.retrying > 0) parts.push(`${this.retrying} record(s) retrying`);
    if (this.lastError && this.current !== 'running') parts.push(`last error: ${this.lastError}`);
    const { applied, duplicates, deadLettered, retries } = this.stats;
    parts.push(`applied ${applied}, duplicates ${duplicates}, dead-lettered ${deadLettered}, retries ${retries}`);
    return parts.join('; ');
  }

  start(): void {
    this.supervisor ??= this.supervise();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.consumer?.disconnect().catch(() => undefined);
    await this.supervisor;
    this.current = 'stopped';
  }

  private get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  private async supervise(): Promise<void> {
    const backoff = new Backoff(500, 5_000);
    const stopped = new Promise<void>((resolve) =>
      this.abort.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    while (!this.stopping) {
      this.current = this.current === 'stopped' ? 'starting' : 'restarting';
      const consumer = this.createConsumer();
      this.consumer = consumer;
      const crashed = new Promise<unknown>((resolve) =>
        consumer.on(consumer.events.CRASH, (event) => resolve(event.payload.error)),
      );
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        this.assignment = event.payload.memberAssignment[this.topic] ?? [];
        if (this.current !== 'running') {
          this.options.logger.log(
            `consuming ${this.topic} in group ${this.options.groupId}, partitions [${this.assignment.join(',')}]`,
          );
        }
        this.current = 'running';
        this.lastError = undefined;
        backoff.reset();
      });
      let failure: unknown;
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
          eachBatch: (payload) => this.eachBatch(payload),
        });
        failure = await Promise.race([crashed, stopped]);
      } catch (error) {
        failure = error;
      }
      if (this.stopping) break;
      this.current = 'restarting';
      this.lastError = describeError(failure);
      const delay = backoff.next();
      this.options.logger.warn(
        `channel event consumer stopped (${this.lastError}); restarting in ${delay} ms from the committed offsets`,
      );
      await consumer.disconnect().catch(() => undefined);
      await sleep(delay, this.abort.signal);
    }
  }

  private createConsumer(): Consumer {
    const sessionTimeout = this.options.sessionTimeoutMs ?? 10_000;
    return this.options.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? Math.min(3_000, Math.floor(sessionTimeout / 3)),
      allowAutoTopicCreation: false,
      // The fetch long-poll: a stop waits for the one in flight.
      maxWaitTimeInMs: 1_000,
      // Restarts are the supervisor's, always from a fresh consumer.
      retry: { ...DEFAULT_RETRY, restartOnFailure: async () => false },
    });
  }

  private async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = batch;
    const live = () => isRunning() && !isStale() && !this.stopping;
    const commitEveryRecords = this.options.commitEveryRecords ?? 1_000;
    const commitEveryMs = this.options.commitEveryMs ?? 1_000;
    const done = new Uint8Array(messages.length);
    let prefix = 0;
    let committed = 0;
    let lastCommit = Date.now();
    let commits: Promise<void> = Promise.resolve();
    // Commits run one after another, each up to the longest done prefix at the time it starts.
    const commitPrefix = async () => {
      if (prefix === committed) return;
      const upTo = prefix;
      const offset = (BigInt(messages[upTo - 1].offset) + 1n).toString();
      await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] });
      committed = upTo;
    };
    const commit = () => (commits = commits.then(commitPrefix, commitPrefix));
    const finished = (index: number) => {
      done[index] = 1;
      if (index !== prefix) return;
      while (prefix < messages.length && done[prefix]) prefix++;
      resolveOffset(messages[prefix - 1].offset);
      if (prefix - committed >= commitEveryRecords || Date.now() - lastCommit >= commitEveryMs) {
        lastCommit = Date.now();
        commit().catch((error) => this.commitFailed(topic, partition, messages[prefix - 1].offset, error));
      }
    };
    try {
      await this.processBatch(topic, partition, messages, live, heartbeat, finished);
    } finally {
      await commit().catch((error) => this.commitFailed(topic, partition, messages[prefix - 1]?.offset, error));
    }
  }

  private commitFailed(topic: string, partition: number, offset: string | undefined, error: unknown): void {
    this.options.logger.warn(
      `could not commit ${topic}[${partition}] up to offset ${offset} (${describeError(error)}): those records will be delivered again`,
    );
  }

  /**
   * A sliding window over the fetched batch: up to `IN_FLIGHT` conversations (record keys) are applied at once,
   * taken in order of their first record, each one's records strictly one after another. A freed slot takes the
   * next conversation at once (no barrier between groups of records), so appends keep sharing group commits.
   * `finished(index)` is called as each record is done; only the done prefix of the batch is ever committed.
   */
  private async processBatch(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    live: () => boolean,
    heartbeat: () => Promise<void>,
    finished: (index: number) => void,
  ): Promise<void> {
    const byKey = new Map<string, number[]>();
    messages.forEach((message, index) => {
      const key = message.key?.toString('utf8') ?? '';
      const indexes = byKey.get(key);
      if (indexes) indexes.push(index);
      else byKey.set(key, [index]);
    });
    const keys = byKey.values();
    const worker = async () => {
      for (let next = keys.next(); !next.done; next = keys.next()) {
        for (const index of next.value) {
          if (!live() || !(await this.process(topic, partition, messages[index], live, heartbeat))) return;
          finished(index);
        }
        await heartbeat();
      }
    };
    // Every worker ends before the batch does (a failed heartbeat must not leave others applying a stale batch).
    const outcomes = await Promise.allSettled(Array.from({ length: Math.min(IN_FLIGHT, byKey.size) }, worker));
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Applies or dead-letters one record; false if the consumer stopped first (the record is left for redelivery). */
  private async process(
    topic: string,
    partition: number,
    message: KafkaMessage,
    live: () => boolean,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const read = readChannelEvent(message.value);
    let rejection: Rejection;
    if (read.ok) {
      const { command, cause } = toCommand(read.event);
      const outcome = await this.untilDone(
        `applying ${read.event.type} '${read.event.eventId}'`,
        live,
        heartbeat,
        async (): Promise<Outcome> => {
          try {
            const result = await this.options.execute(command, cause);
            return { kind: 'applied', duplicate: result.duplicate === true };
          } catch (error) {
            if (this.isRejection(error)) return { kind: 'rejected', rejection: rejectionOf(error) };
            throw error;
          }
        },
      );
      if (outcome === undefined) return false;
      if (outcome.kind === 'applied') {
        if (outcome.duplicate) this.stats.duplicates += 1;
        else this.stats.applied += 1;
        return true;
      }
      rejection = outcome.rejection;
    } else {
      rejection = read.rejection;
    }
    const written = await this.untilDone(
      `dead-lettering ${topic}[${partition}]@${message.offset}`,
      live,
      heartbeat,
      async () => {
        await this.options.deadLetters.write({
          topic,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: message.headers,
          timestamp: message.timestamp,
          rejection,
        });
        return true;
      },
    );
    if (!written) return false;
    this.stats.deadLettered += 1;
    this.options.logger.warn(
      `dead-lettered ${topic}[${partition}]@${message.offset} (${rejection.kind}): ${rejection.reason}`,
    );
    return true;
  }

  /** Retries `attempt` with back-off until it resolves; undefined if the consumer stops (or is rebalanced) first. */
  private async untilDone<T>(
    doing: string,
    live: () => boolean,
    heartbeat: () => Promise<void>,
    attempt: () => Promise<T>,
  ): Promise<T | undefined> {
    const backoff = new Backoff(100, 5_000);
    let failures = 0;
    try {
      for (;;) {
        try {
          return await attempt();
        } catch (error) {
          failures += 1;
          this.stats.retries += 1;
          if (failures === 1) this.retrying += 1;
          if (failures === 1 || failures % 10 === 0) {
            this.options.logger.warn(`${doing} failed (attempt ${failures}), retrying: ${describeError(error)}`);
          }
          await sleep(backoff.next(), this.abort.signal);
          if (!live()) return undefined;
          await heartbeat();
        }
      }
    } finally {
      if (failures > 0) this.retrying -= 1;
    }
  }
}
