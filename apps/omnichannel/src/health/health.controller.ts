import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ProjectionRunner } from '#read-models';
import { Public } from '../auth/roles.decorator';
import { Config } from '../config';
import { CONFIG } from '../tokens';
import { HealthBody } from '../http/api-docs';
import { InstanceOwnership } from '../instances/instance-ownership';
import { Readiness } from './readiness';

/** 200 once the service accepts commands and its read models have caught up after start. */
@ApiTags('operations')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly readiness: Readiness,
    private readonly runner: ProjectionRunner,
    private readonly instance: InstanceOwnership,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'ready: accepts commands, read models caught up', type: HealthBody })
  @ApiServiceUnavailableResponse({ description: 'starting, a component down, or stopping', type: HealthBody })
  health() {
    const body = {
      status: 'ok',
      instanceId: this.instance.instanceId,
      ownedPartitions: this.instance.ownership.partitions,
      readModelsPosition: this.runner.position,
      components: this.readiness.components(),
      access: access(this.config),
    };
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

/** Says whether requests are authenticated and where the service listens (issue 11: open only by choice). */
export const access = ({ auth, host }: Config) => ({
  authentication: auth ? `bearer JWT (${auth.keys.kind})` : 'none',
  listening: host,
  ...(!auth && { warning: 'no authentication: every caller is trusted; listen beyond loopback only behind a gateway' }),
});
