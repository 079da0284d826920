import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Tally } from './tally';

/** Command and append times: a local commit takes a millisecond or two, a contended one far longer. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type GaugeReader<L extends string> = (gauge: Gauge<L>) => Promise<void> | void;

/**
 * Everything GET /metrics exposes, in one registry of its own (not prom-client's global one, so two apps in
 * one process do not collide). Labels are bounded: command and event types, queues, presences, timer kinds,
 * route templates — never a conversation id. docs/operations.md says what each one means.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  /** Counted per command here, passed to `commands` at scrape time. */
  readonly commandTally = new Tally<'command' | 'outcome' | 'status'>();

  readonly commands: Counter<'command' | 'outcome' | 'status'> = new Counter({
    name: 'omnichannel_commands_total',
    help: 'Commands handled, by command, outcome (accepted, duplicate, refused, conflict, unavailable, failed) and the status it answers',
    labelNames: ['command', 'outcome', 'status'] as const,
    registers: [this.registry],
    collect: () => this.commandTally.flush(this.commands),
  });

  readonly commandDuration = new Histogram({
    name: 'omnichannel_command_duration_seconds',
    help: 'Time from a command entering the command bus to its result: load, decide, append, retries',
    labelNames: ['command'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly commandsInFlight = new Gauge({
    name: 'omnichannel_commands_in_flight',
    help: 'Commands started and not finished',
    registers: [this.registry],
  });

  /** Counted per appended event here, passed to `eventsAppended` at scrape time. */
  readonly appendedTally = new Tally<'type'>();

  readonly eventsAppended: Counter<'type'> = new Counter({
    name: 'omnichannel_events_appended_total',
    help: 'Events this process appended to the event store, by event type',
    labelNames: ['type'] as const,
    registers: [this.registry],
    collect: () => this.appendedTally.flush(this.eventsAppended),
  });

  readonly appendDuration = new Histogram({
    name: 'omnichannel_event_store_append_duration_seconds',
    help: 'Time of one atomic append, by result (ok, conflict: an expected revision did not hold, error)',
    labelNames: ['result'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly timersFired = new Counter({
    name: 'omnichannel_timers_fired_total',
    help: 'Timers that fell due and changed their conversation, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly assignments = new Counter({
    name: 'omnichannel_distribution_assignments_total',
    help: 'Conversations push distribution assigned (offered) to an agent',
    registers: [this.registry],
  });

  readonly channelEvents = new Counter({
    name: 'omnichannel_channel_events_total',
    help: 'Channel events (HTTP or Kafka) that reached the command path, by outcome (applied, duplicate, refused)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'omnichannel_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge computed at scrape time by `read` (which sets its values), so it is never stale. */
  gauge<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: GaugeReader<L>,
  ): Gauge<L> {
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        // Label sets that have gone (a queue emptied) must not linger at their last value.
        this.reset();
        await read(this);
      },
    });
  }

  /**
   * A counter mirroring a running total kept elsewhere (e.g. the Kafka gateway's), read at scrape time.
   * Totals restart at 0 with the process, which Prometheus' rate() treats as a counter reset.
   */
  mirroredCounter<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => [Partial<Record<L, string>>, number][],
  ): Counter<L> {
    const last = new Map<string, number>();
    return new Counter<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        for (const [labels, total] of read()) {
          const key = JSON.stringify(labels);
          const delta = total - (last.get(key) ?? 0);
          if (delta > 0) this.inc(labels as never, delta);
          last.set(key, Math.max(total, last.get(key) ?? 0));
        }
      },
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
