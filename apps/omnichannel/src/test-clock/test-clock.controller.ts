import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { IsNumber, Max, Min } from 'class-validator';
import { ApiErrors } from '../http/api-docs';
import { Roles } from '../auth/roles.decorator';
import { TimeDriver } from '../scheduling/time-driver';

export class AdvanceDto {
  @IsNumber() @Min(0) @Max(400 * 24 * 3600) seconds!: number;
}

/** Contract section 4: exists only when OMNICHANNEL_TEST_CLOCK=manual. */
@ApiTags('test clock')
@Controller('test/clock')
@Roles('admin')
export class TestClockController {
  constructor(private readonly time: TimeDriver) {}

  @Post('advance')
  @HttpCode(200)
  @ApiOkResponse({ description: 'the clock moved; every timer due on the way fired' })
  @ApiErrors(400)
  async advance(@Body() body: AdvanceDto) {
    return this.time.advance(body.seconds);
  }
}
