import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ProjectionRunner } from '#read-models';
import { Principal } from '../auth/principal';
import { CurrentPrincipal, Public } from '../auth/roles.decorator';
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
  health(@CurrentPrincipal() principal?: Principal) {
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
    const answer = {
      ...body,
      ...(!healthy && {
        status: this.readiness.stopping ? 'stopping' : 'unavailable',
        message: this.readiness.stopping ? 'shutting down' : 'not ready',
      }),
    };
    const shown = this.detailsFor(principal) ? answer : summary(answer);
    if (!healthy) throw new ServiceUnavailableException(shown);
    return shown;
  }

  /**
   * Issue 22: the store's position, the components' errors and the key source are for admins once authentication
   * is on; without it every caller is trusted (and on loopback) and sees them.
   */
  private detailsFor(principal: Principal | undefined): boolean {
    return !this.config.auth || principal?.roles.has('admin') === true;
  }
}

/** Says whether requests are authenticated and where the service listens (issue 11: open only by choice). */
export const access = ({ auth, host }: Config) => ({
  authentication: auth ? `bearer JWT (${auth.keys.kind})` : 'none',
  listening: host,
  ...(!auth && { warning: 'no authentication: every caller is trusted; listen beyond loopback only behind a gateway' }),
});

/** What anyone may know: whether the service is up, and that it wants a token (the page asks for one then). */
const summary = ({ status, message }: { status: string; message?: string }) => ({
  status,
  ...(message && { message }),
  access: { authentication: 'bearer JWT' },
});
