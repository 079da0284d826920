import { Inject, Injectable } from '@nestjs/common';
import { ProjectionRunner, TimerQueries } from '#read-models';
import { Clock, ManualClock } from '#clock';
import { Distributor } from '#scheduling';
import { TimerFiring } from '#scheduling';
import { CLOCK } from '../tokens';

export interface TickResult {
  fired: number;
  position: number;
}

/** What happens when time moves: due timers fire, then distribution runs (operating hours may have begun). */
@Injectable()
export class TimeDriver {
  private advancing: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly timers: TimerFiring,
    private readonly distributor: Distributor,
    private readonly readModels: TimerQueries,
    private readonly runner: ProjectionRunner,
  ) {}

  async tick(): Promise<TickResult> {
    const { fired, position } = await this.timers.fireDue();
    const assigned = await this.distributor.distribute();
    return { fired, position: Math.max(position, assigned) };
  }

  /**
   * Moves the manual clock forward, stopping at every deadline on the way, so each timer fires at its own
   * time and what it sets in motion (a new deadline, a new assignment) happens when it would have.
   */
  advance(seconds: number): Promise<TickResult & { now: string }> {
    // Advances run one after another: each moves the clock by its own amount from where the last one left it.
    const next = this.advancing.catch(() => undefined).then(() => this.advanceNow(seconds));
    this.advancing = next;
    return next;
  }

  private async advanceNow(seconds: number): Promise<TickResult & { now: string }> {
    const clock = this.clock as ManualClock;
    const target = Date.parse(clock.now()) + seconds * 1000;
    const total: TickResult = { fired: 0, position: 0 };
    for (;;) {
      const next = this.readModels.nextDeadline(clock.now(), new Date(target).toISOString());
      const stop = next ? Date.parse(next) : target;
      clock.advance((stop - Date.parse(clock.now())) / 1000);
      const { fired, position } = await this.tick();
      total.fired += fired;
      total.position = Math.max(total.position, position);
      await this.runner.waitFor(total.position, 10_000);
      if (stop >= target && fired === 0) return { ...total, now: clock.now() };
    }
  }
}
