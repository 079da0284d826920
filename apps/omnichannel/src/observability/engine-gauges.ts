import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Clock } from '#clock';
import { EventStore } from '#event-store';
import { OperationalStats, ProjectionRunner } from '#read-models';
import { CLOCK, EVENT_STORE } from '../tokens';
import { Readiness } from '../health/readiness';
import { Metrics } from './metrics';

/** Seconds since the oldest event after `position` was stored (0 when nothing is after it). */
export const ageOfFirstAfter = async (store: EventStore, position: number): Promise<number> => {
  const [next] = await store.readAll(position, 1);
  return next ? Math.max(0, (Date.now() - Date.parse(next.recordedAt)) / 1000) : 0;
};

/** The gauges read from the store, the projections and the read models when Prometheus scrapes. */
@Injectable()
export class EngineGauges implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly runner: ProjectionRunner,
    private readonly stats: OperationalStats,
    private readonly readiness: Readiness,
  ) {}

  onModuleInit(): void {
    const { metrics, store, runner, stats } = this;
    metrics.gauge(
      'omnichannel_ready',
      '1 while GET /health answers 200 (read models caught up, not stopping)',
      [],
      (g) => g.set(this.readiness.ready && !this.readiness.stopping && runner.healthy ? 1 : 0),
    );
    metrics.gauge('omnichannel_event_store_head_position', 'Position of the newest event in the store', [], async (g) =>
      g.set(await store.headPosition()),
    );
    metrics.gauge('omnichannel_projection_position', 'Store position every read model has reached', [], (g) =>
      g.set(runner.position),
    );
    metrics.gauge(
      'omnichannel_projection_lag_positions',
      'Store head minus the projections position (events behind, on the embedded store)',
      [],
      async (g) => g.set(Math.max(0, (await store.headPosition()) - runner.position)),
    );
    metrics.gauge(
      'omnichannel_projection_lag_seconds',
      'Age of the oldest stored event the read models do not include yet (0 when caught up)',
      [],
      async (g) => g.set(await ageOfFirstAfter(store, runner.position)),
    );
    metrics.gauge('omnichannel_queue_backlog', 'Open conversations waiting for an agent, per queue', ['queue'], (g) => {
      for (const { queueId, open } of stats.backlog()) g.set({ queue: queueId }, open);
    });
    metrics.gauge(
      'omnichannel_queue_oldest_wait_seconds',
      'How long the longest-waiting open conversation of each queue has waited',
      ['queue'],
      (g) => {
        const now = Date.parse(this.clock.now());
        for (const { queueId, oldestQueuedAt } of stats.backlog())
          if (oldestQueuedAt) g.set({ queue: queueId }, Math.max(0, (now - Date.parse(oldestQueuedAt)) / 1000));
      },
    );
    metrics.gauge('omnichannel_agents', 'Agents by presence', ['presence'], (g) => {
      for (const { presence, agents } of stats.capacityByPresence()) g.set({ presence }, agents);
    });
    metrics.gauge(
      'omnichannel_agent_capacity_units',
      'Capacity units of agents by presence: kind="total" configured, kind="used" held by conversations',
      ['presence', 'kind'],
      (g) => {
        for (const { presence, totalUnits, usedUnits } of stats.capacityByPresence()) {
          g.set({ presence, kind: 'total' }, totalUnits);
          g.set({ presence, kind: 'used' }, usedUnits);
        }
      },
    );
    metrics.gauge(
      'omnichannel_timers_pending',
      'Deadlines kept (conversations waiting on a timer), by kind',
      ['kind'],
      (g) => {
        for (const { kind, pending } of stats.timers(this.clock.now())) g.set({ kind }, pending);
      },
    );
    metrics.gauge(
      'omnichannel_timers_due',
      'Deadlines that have passed and not fired yet, by kind (stays near 0 when timers keep up)',
      ['kind'],
      (g) => {
        for (const { kind, due } of stats.timers(this.clock.now())) g.set({ kind }, due);
      },
    );
  }
}
