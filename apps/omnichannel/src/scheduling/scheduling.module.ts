import { Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { StoredEvent } from '#event-store';
import { DistributionQueries, ProjectionRunner, TimerQueries } from '#read-models';
import { Clock } from '#clock';
import { Distributor } from '#scheduling';
import { SendCommand, TimerFiring } from '#scheduling';
import { Config } from '../config';
import { RunConversationCommand } from '../conversations/conversation.commands';
import { InstanceOwnership } from '../instances/instance-ownership';
import { CLOCK, CONFIG } from '../tokens';
import { ShutdownHooks } from '../observability/shutdown-hooks';
import { TimeDriver } from './time-driver';

/** How often the real clock looks for due timers and for operating hours that have begun. */
const TICK_MS = 1000;

const sendVia =
  (bus: CommandBus): SendCommand =>
  (command, cause) =>
    bus.execute(new RunConversationCommand(command, cause));

@Module({
  providers: [
    {
      provide: TimerFiring,
      inject: [CLOCK, TimerQueries, ProjectionRunner, CommandBus, InstanceOwnership],
      useFactory: (
        clock: Clock,
        readModels: TimerQueries,
        runner: ProjectionRunner,
        bus: CommandBus,
        instance: InstanceOwnership,
      ) =>
        new TimerFiring(
          clock,
          readModels,
          runner,
          sendVia(bus),
          (error) => new Logger('Timers').warn(describe(error)),
          instance.ownership,
        ),
    },
    {
      provide: Distributor,
      inject: [CLOCK, DistributionQueries, CommandBus, InstanceOwnership],
      useFactory: (clock: Clock, readModels: DistributionQueries, bus: CommandBus, instance: InstanceOwnership) =>
        new Distributor(
          clock,
          readModels,
          sendVia(bus),
          (error) => new Logger('Distribution').debug(describe(error)),
          instance.ownership,
        ),
    },
    TimeDriver,
  ],
  exports: [TimeDriver],
})
export class SchedulingModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Scheduling');
  private ticker?: NodeJS.Timeout;

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly distributor: Distributor,
    private readonly time: TimeDriver,
    private readonly timers: TimerFiring,
    @Inject(CONFIG) private readonly config: Config,
    private readonly shutdown: ShutdownHooks,
  ) {}

  onApplicationBootstrap(): void {
    // Distribution reacts to what each batch changed (a conversation opened, an agent gained room), nothing more.
    this.distributor.start();
    this.runner.onBatch(
      (events: StoredEvent[]) => {
        this.distributor.observe(events);
        this.distributor.distributeChanged().catch((e) => this.logger.error(describe(e)));
      },
      (e) => this.logger.error(describe(e)),
    );
    // With the manual test clock, time moves (and timers fire) only when the clock is advanced.
    if (this.config.manualClockStart) return;
    let ticking: Promise<unknown> | undefined;
    this.ticker = setInterval(() => {
      // A tick still under way (a backlog of timers) is not joined by another: the next one starts after it.
      if (ticking) return;
      ticking = this.time
        .tick()
        .catch((e) => this.logger.error(describe(e)))
        .finally(() => (ticking = undefined));
    }, TICK_MS);
    // A clean shutdown stops the ticks and lets the one under way finish before commands are refused.
    this.shutdown.onStopIntake(async () => {
      clearInterval(this.ticker);
      this.timers.stop();
      await ticking;
    });
  }

  onApplicationShutdown(): void {
    clearInterval(this.ticker);
  }
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
