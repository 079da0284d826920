import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Ownership } from '#scheduling';
import { Config, sharedStore } from '../config';
import { CONFIG } from '../tokens';
import { Metrics } from '../observability/metrics';

/**
 * This instance's share of the 64 work partitions (docs/instances.md). Alone (the embedded store, or no
 * KAFKA_BROKERS) it owns them all from the start; on a shared store with Kafka it owns none until the partition
 * group assigns some, and follows every rebalance. Counts what operators watch: partitions owned, rebalances, and
 * time spent owning nothing while in service.
 */
@Injectable()
export class InstanceOwnership implements OnModuleInit, OnApplicationShutdown {
  readonly ownership: Ownership;
  private readonly logger = new Logger('Partitions');
  private rebalances = 0;
  private unownedMs = 0;
  private unownedSince?: number;
  private readonly shutdownHooks: (() => Promise<void>)[] = [];

  constructor(
    @Inject(CONFIG) readonly config: Config,
    private readonly metrics: Metrics,
  ) {
    const shared = Boolean(config.kafkaBrokers?.length) && sharedStore(config);
    this.ownership = shared ? new Ownership([]) : new Ownership();
    if (shared) this.unownedSince = Date.now();
  }

  get instanceId(): string {
    return this.config.instanceId;
  }

  /** A new assignment from the partition group (none: out of the group, or leaving). */
  assign(partitions: number[]): void {
    const { gained, lost } = this.ownership.assign(partitions);
    const now = Date.now();
    if (partitions.length === 0) this.unownedSince ??= now;
    else if (this.unownedSince !== undefined) {
      this.unownedMs += now - this.unownedSince;
      this.unownedSince = undefined;
    }
    if (gained.length || lost.length)
      this.logger.log(`owns ${partitions.length} partition(s): gained [${gained.join(',')}], lost [${lost.join(',')}]`);
  }

  /** Run at shutdown: a sole owner's lease is released so that the next instance need not wait for it to lapse. */
  onShutdown(hook: () => Promise<void>): void {
    this.shutdownHooks.push(hook);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const hook of this.shutdownHooks) await hook();
  }

  rebalanced(): void {
    this.rebalances++;
  }

  onModuleInit(): void {
    this.metrics.gauge('omnichannel_partitions_owned', 'Work partitions (of 64) this instance owns now', [], (g) =>
      g.set(this.ownership.partitions.length),
    );
    this.metrics.mirroredCounter(
      'omnichannel_partition_rebalances_total',
      'Rebalances of the partition group this instance took part in',
      [],
      () => [[{}, this.rebalances]],
    );
    this.metrics.mirroredCounter(
      'omnichannel_partitions_unowned_seconds_total',
      'Time this instance was in service owning no partition (waiting for an assignment)',
      [],
      () => [[{}, (this.unownedMs + (this.unownedSince === undefined ? 0 : Date.now() - this.unownedSince)) / 1000]],
    );
  }
}
