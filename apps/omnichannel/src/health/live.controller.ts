import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator';

/** Liveness: answers while the process runs and its event loop turns, whatever the state of its dependencies. */
@ApiTags('operations')
@Controller('live')
// Probes carry no token, and that the process is alive tells nobody anything.
@Public()
export class LiveController {
  @Get()
  @ApiOkResponse({ description: 'the process is alive', schema: { example: { status: 'alive' } } })
  live() {
    return { status: 'alive' };
  }
}
