import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ProjectionRunner } from '#read-models';
import { Readiness } from './readiness';

/** 200 once the service accepts commands and its read models have caught up after start. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly readiness: Readiness,
    private readonly runner: ProjectionRunner,
  ) {}

  @Get()
  health() {
    const body = { status: 'ok', readModelsPosition: this.runner.position, components: this.readiness.components() };
    const healthy =
      this.readiness.ready && this.runner.healthy && Object.values(body.components).every((c) => c.healthy);
    if (!healthy) throw new ServiceUnavailableException({ ...body, status: 'unavailable', message: 'not ready' });
    return body;
  }
}
