import { Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ProjectionRunner, ReadModels } from '../../../../libs/read-models/src';
import { Clock } from '../../../../libs/scheduling/src/clock/clock';
import { TimerFiring } from '../../../../libs/scheduling/src/timers/timer-firing';
import { Config } from '../config';
import { RunConversationCommand } from '../conversations/conversation.commands';
import { CLOCK, CONFIG } from '../engine/tokens';

/** How often the real clock looks for due timers; deadlines are whole seconds. */
const TICK_MS = 1000;

@Module({
  providers: [
    {
      provide: TimerFiring,
      inject: [CLOCK, ReadModels, ProjectionRunner, CommandBus],
      useFactory: (clock: Clock, readModels: ReadModels, runner: ProjectionRunner, bus: CommandBus) =>
        new TimerFiring(clock, readModels, runner, (command, cause) => bus.execute(new RunConversationCommand(command, cause))),
    },
  ],
  exports: [TimerFiring],
})
export class SchedulingModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Timers');
  private ticker?: NodeJS.Timeout;

  constructor(
    private readonly timers: TimerFiring,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** With the manual test clock, timers fire only when the clock is advanced. */
  onApplicationBootstrap(): void {
    if (this.config.manualClockStart) return;
    this.ticker = setInterval(() => {
      this.timers.fireDue().catch((error) => this.logger.error(error instanceof Error ? error.stack : error));
    }, TICK_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.ticker);
  }
}
