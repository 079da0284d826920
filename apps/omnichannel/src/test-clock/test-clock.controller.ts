import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { IsNumber, Max, Min } from 'class-validator';
import { ManualClock } from '../../../../libs/scheduling/src/clock/clock';
import { CLOCK } from '../engine/tokens';
import { TimerFiring } from '../../../../libs/scheduling/src/timers/timer-firing';

export class AdvanceDto {
  @IsNumber() @Min(0) @Max(400 * 24 * 3600) seconds!: number;
}

/** Contract section 4: exists only when OMNICHANNEL_TEST_CLOCK=manual. */
@Controller('test/clock')
export class TestClockController {
  constructor(
    @Inject(CLOCK) private readonly clock: ManualClock,
    private readonly timers: TimerFiring,
  ) {}

  @Post('advance')
  @HttpCode(200)
  async advance(@Body() body: AdvanceDto) {
    const now = this.clock.advance(body.seconds);
    const { fired, position } = await this.timers.fireDue();
    return { now, fired, position };
  }
}
