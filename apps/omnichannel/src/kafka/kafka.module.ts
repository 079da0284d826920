import {
  BeforeApplicationShutdown,
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { EventStore } from '#event-store';
import { KafkaBridge, SqliteCheckpointStore, sleep } from '#kafka';
import { Config, sharedStore } from '../config';
import { RunConversationCommand } from '../conversations/conversation.commands';
import { CONFIG, EVENT_STORE } from '../tokens';
import { Readiness } from '../health/readiness';
import { InstanceOwnership } from '../instances/instance-ownership';
import { observeKafka } from '../observability/kafka-metrics';
import { Metrics } from '../observability/metrics';
import { ShutdownHooks } from '../observability/shutdown-hooks';
import { readKafkaSettings } from './kafka-settings';

/**
 * Contract sections 1 and 2 over Kafka; imported only when KAFKA_BROKERS is set. Channel events
 * from Kafka travel as RunConversationCommand on the CommandBus, exactly like POST /channel-events.
 */
/** How long a clean shutdown waits for the outbox to publish what was appended, and how often it looks. */
const OUTBOX_FLUSH_MS = 10_000;
const OUTBOX_POLL_MS = 20;

@Module({})
export class KafkaModule implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Kafka');
  private bridge?: KafkaBridge;
  private stopMetrics?: () => Promise<void>;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly bus: CommandBus,
    private readonly moduleRef: ModuleRef,
    private readonly metrics: Metrics,
    private readonly shutdown: ShutdownHooks,
    private readonly instance: InstanceOwnership,
  ) {}

  onApplicationBootstrap(): void {
    const settings = readKafkaSettings(this.config);
    const bridge = new KafkaBridge({
      ...settings,
      store: this.store,
      checkpoints: new SqliteCheckpointStore(this.config.dataDir),
      execute: (command, cause) => this.bus.execute(new RunConversationCommand(command, cause)),
      logger: this.logger,
      // On the embedded store this process is the only one (its data directory is locked): it owns everything.
      ...(sharedStore(this.config) && {
        partitionGroup: {
          groupId: settings.partitionGroupId,
          instanceId: this.config.instanceId,
          sessionTimeoutMs: settings.partitionSessionTimeoutMs,
          onAssignment: (partitions: number[]) => this.instance.assign(partitions),
          onRebalance: () => this.instance.rebalanced(),
        },
      }),
    });
    this.bridge = bridge;
    const group = bridge.partitions;
    // A member whose heartbeats stopped (paused, cut off) acts as if it owned nothing before Kafka moves its share.
    if (group) this.instance.ownership.guard(() => group.valid);
    // Readiness belongs to the root module; /health reports kafka unhealthy until it is connected.
    this.moduleRef.get(Readiness, { strict: false }).register('kafka', () => bridge.health());
    this.stopMetrics = observeKafka(this.metrics, bridge, { ...settings, store: this.store, logger: this.logger });
    // SIGTERM: leave the partition group first, so the others take the partitions over while this one drains.
    if (group) this.shutdown.onStopIntake(() => bridge.leavePartitions());
    this.shutdown.onStopIntake(() => bridge.gateway.stop());
    this.shutdown.onFlush((head) => this.outboxReached(bridge, head));
    const { ssl, sasl } = settings.security;
    const secured = [ssl && 'TLS', sasl && `SASL ${sasl.mechanism}`].filter(Boolean).join(' + ') || 'plaintext';
    this.logger.log(`connecting to ${settings.brokers.join(',')} (${secured}) as group ${settings.groupId}`);
    bridge.start();
  }

  /** Stops consuming and publishing before any module closes the event store. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.bridge?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bridge?.stop();
    await this.stopMetrics?.();
  }

  /** The publisher reports a position, not an event, so a clean shutdown looks until it reached `head`. */
  private async outboxReached(bridge: KafkaBridge, head: number): Promise<void> {
    // The instances that took this one's partitions over when it left the group publish the rest.
    if (bridge.publisher.partitions.length === 0) return;
    const deadline = Date.now() + OUTBOX_FLUSH_MS;
    while (bridge.publisher.healthy && bridge.publisher.position < head && Date.now() < deadline)
      await sleep(OUTBOX_POLL_MS);
    if (bridge.publisher.position < head)
      this.logger.warn(
        `outbox at position ${bridge.publisher.position} of ${head}: the rest is published after restart`,
      );
  }
}
