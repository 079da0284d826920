import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ProjectionRunner } from '#read-models';
import { HealthBody } from '../http/api-docs';
import { Readiness } from './readiness';

/** 200 once the service accepts commands and its read models have caught up after start. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly readiness: Readiness,
    private readonly runner: ProjectionRunner,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'ready: accepts commands, read models caught up', type: HealthBody })
  @ApiServiceUnavailableResponse({ description: 'starting, a component down, or stopping', type: HealthBody })
  health() {
    const body = { status: 'ok', readModelsPosition: this.runner.position, components: this.readiness.components() };
    const healthy =
      this.readiness.ready &&
      !this.readiness.stopping &&
      this.runner.healthy &&
      Object.values(body.components).every((c) => c.healthy);
    if (!healthy)
      throw new ServiceUnavailableException({
        ...body,
        status: this.readiness.stopping ? 'stopping' : 'unavailable',
        message: this.readiness.stopping ? 'shutting down' : 'not ready',
      });
    return body;
  }
}
