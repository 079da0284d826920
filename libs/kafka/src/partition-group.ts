import { Consumer, Kafka } from 'kafkajs';
import { Backoff, describeError, sleep } from './backoff';
import { PartitionCheckpoints } from './checkpoint-store';
import { MessagingLogger } from './client';
import { TOPICS } from './topics';

export interface PartitionGroupOptions {
  kafka: Kafka;
  /** The coordination group (every instance of one deployment joins the same one). */
  groupId: string;
  /** Names this instance's member (kafkajs client id is shared; this goes into the logs). */
  instanceId: string;
  logger: MessagingLogger;
  /** Hears every assignment: the partitions this member owns from now on (none while it is out of the group). */
  onAssignment: (partitions: number[]) => void;
  /** Hears every rebalance that began (metrics). */
  onRebalance?: () => void;
  topic?: string;
  /** How long the coordinator waits for a silent member before it moves its partitions (the failover bound). */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** How long the coordinator waits for every member to rejoin a rebalance. */
  rebalanceTimeoutMs?: number;
  /** Injected for tests. */
  now?: () => number;
}

/** Session 6 s (the broker's minimum, group.min.session.timeout.ms) and heartbeats every 500 ms: failover < 15 s. */
export const PARTITION_GROUP_DEFAULTS = {
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  rebalanceTimeoutMs: 6_000,
};

/**
 * Ownership of the 64 work partitions from Kafka's consumer-group protocol, not an election of our own: every
 * instance's member subscribes to the coordination topic (64 partitions, no messages) and the group coordinator
 * shares its partitions out; partition p of the topic is work partition p. Kafka detects a dead member after the
 * session timeout, a leaving one (consumer disconnect = LeaveGroup) at once, and rebalances.
 *
 * A member that stops hearing from the coordinator (paused, cut off) holds a lease no longer than its last
 * successful heartbeat plus the session timeout less a margin: past it, `valid` is false and the instance acts as
 * if it owned nothing, before the coordinator can have given its partitions to anyone else. What the lease
 * cannot cover (clock jumps, a pause between the check and the append) the store's expected revisions do.
 */
export class PartitionGroup {
  private consumer?: Consumer;
  private readonly abort = new AbortController();
  private readonly topic: string;
  private readonly sessionTimeoutMs: number;
  private readonly leaseMs: number;
  private readonly now: () => number;
  private running?: Promise<void>;
  private lastHeartbeat = 0;
  private joined = false;
  private member?: string;

  constructor(private readonly options: PartitionGroupOptions) {
    this.topic = options.topic ?? TOPICS.partitions;
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? PARTITION_GROUP_DEFAULTS.sessionTimeoutMs;
    // A margin for the heartbeat's round trip and timer lateness: the coordinator counts from the request's arrival.
    this.leaseMs = Math.max(1_000, this.sessionTimeoutMs - 2_000);
    this.now = options.now ?? Date.now;
  }

  /** False once the last heartbeat is older than the lease: the coordinator may have moved the partitions. */
  get valid(): boolean {
    return this.joined && this.now() - this.lastHeartbeat < this.leaseMs;
  }

  get detail(): string {
    return this.joined ? `member ${this.member} of ${this.options.groupId}` : `not in group ${this.options.groupId}`;
  }

  /**
   * The outbox's checkpoints (docs/instances.md): work partition p's is kept as the metadata of the group's committed
   * offset of coordination partition p. The coordinator accepts a commit only from a member of the current
   * generation, so an owner that lost its partitions in a rebalance cannot move their checkpoints behind the new
   * owners' backs; the publisher commits only the partitions it was last assigned.
   */
  readonly checkpoints: PartitionCheckpoints = {
    load: (partitions) => this.loadCheckpoints(partitions),
    save: (checkpoints) => this.saveCheckpoints(checkpoints),
    holds: () => this.valid,
  };

  private async loadCheckpoints(partitions: number[]): Promise<ReadonlyMap<number, number>> {
    const admin = this.options.kafka.admin();
    try {
      await admin.connect();
      const [offsets] = await admin.fetchOffsets({ groupId: this.options.groupId, topics: [this.topic] });
      const wanted = new Set(partitions);
      const loaded = new Map<number, number>();
      for (const { partition, metadata } of offsets?.partitions ?? [])
        if (wanted.has(partition) && metadata) loaded.set(partition, Number(metadata));
      return loaded;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async saveCheckpoints(checkpoints: ReadonlyMap<number, number>): Promise<void> {
    // kafkajs skips a commit silently when its consumer is not running: that must not pass for a saved checkpoint.
    if (!this.consumer || !this.valid) throw new Error('not a member of the partition group: checkpoints not saved');
    await this.consumer.commitOffsets(
      [...checkpoints].map(([partition, position]) => ({
        topic: this.topic,
        partition,
        offset: '0',
        metadata: String(position),
      })),
    );
  }

  /** Joins in the background and rejoins with a fresh consumer after a crash, until `stop`. */
  start(): void {
    this.running ??= this.supervise();
  }

  /** Leaves the group (its partitions are reassigned at once) and owns nothing from then on. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.revoke();
    await this.consumer?.disconnect().catch(() => undefined);
    await this.running;
  }

  private revoke(): void {
    this.joined = false;
    this.options.onAssignment([]);
  }

  private async supervise(): Promise<void> {
    const backoff = new Backoff(500, 5_000);
    const stopped = new Promise<void>((resolve) =>
      this.abort.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    while (!this.abort.signal.aborted) {
      const consumer = this.createConsumer();
      this.consumer = consumer;
      const crashed = new Promise<unknown>((resolve) =>
        consumer.on(consumer.events.CRASH, (event) => resolve(event.payload.error)),
      );
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        this.joined = true;
        this.member = payload.memberId;
        this.lastHeartbeat = this.now();
        backoff.reset();
        const partitions = [...(payload.memberAssignment[this.topic] ?? [])].sort((a, b) => a - b);
        this.options.logger.log(
          `instance ${this.options.instanceId} owns ${partitions.length} partition(s) after ${payload.duration} ms of rebalance`,
        );
        this.options.onAssignment(partitions);
      });
      consumer.on(consumer.events.HEARTBEAT, () => (this.lastHeartbeat = this.now()));
      consumer.on(consumer.events.REBALANCING, () => this.options.onRebalance?.());
      let error: unknown;
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [this.topic] });
        // The topic carries no messages: the member is there only for its assignment.
        await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
        error = await Promise.race([crashed, stopped]);
      } catch (failure) {
        error = failure;
      }
      if (this.abort.signal.aborted) return;
      this.revoke();
      this.options.logger.warn(`partition group member stopped (${describeError(error)}); rejoining`);
      await consumer.disconnect().catch(() => undefined);
      await sleep(backoff.next(), this.abort.signal);
    }
  }

  private createConsumer(): Consumer {
    const { heartbeatIntervalMs, rebalanceTimeoutMs } = { ...PARTITION_GROUP_DEFAULTS, ...this.options };
    return this.options.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.sessionTimeoutMs,
      rebalanceTimeout: rebalanceTimeoutMs,
      heartbeatInterval: heartbeatIntervalMs,
      // Heartbeats go between fetches: an empty topic must not hold a fetch longer than a heartbeat interval.
      maxWaitTimeInMs: heartbeatIntervalMs,
      // Restarts are the supervisor's, always from a fresh consumer (and a fresh member).
      retry: { retries: 5, restartOnFailure: async () => false },
    });
  }
}
