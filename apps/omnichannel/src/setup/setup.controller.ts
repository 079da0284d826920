import { Body, Controller, HttpCode, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { withDefaults } from '#domain';
import { ApiErrors, PresenceResult, SetUpResult } from '../http/api-docs';
import { operator, presenceChanger } from '../auth/access';
import { Principal } from '../auth/principal';
import { CurrentPrincipal, Roles } from '../auth/roles.decorator';
import { IdPipe } from '../http/id.pipe';
import { AgentDto, PresenceDto, QueueDto } from './agent.dto';
import { ConfigureQueue, ConfigureWorkstream, RunAgentCommand } from './setup.commands';
import { RequestId, sentFrom } from '../observability/served-request';
import { SignOut } from './sign-out';
import { WorkstreamDto } from './workstream.dto';

/** Set-up is the admin's; presence (listed with set-up in the contract) also an agent's own and a supervisor's. */
@ApiTags('set-up')
@Controller()
@Roles('admin')
export class SetupController {
  constructor(
    private readonly bus: CommandBus,
    private readonly signOut: SignOut,
  ) {}

  @Put('workstreams/:id')
  @ApiOkResponse({ description: 'the workstream as configured (defaults filled in)', type: SetUpResult })
  @ApiErrors(400, 503)
  @HttpCode(200)
  async workstream(
    @Param('id', new IdPipe('id')) id: string,
    @Body() body: WorkstreamDto,
    @RequestId() requestId: string,
    @CurrentPrincipal() principal?: Principal,
  ) {
    const settings = withDefaults(body);
    const position = await this.bus.execute(
      sentFrom(new ConfigureWorkstream(id, settings, operator(principal)), requestId),
    );
    return { id, ...settings, position };
  }

  @Put('queues/:id')
  @ApiOkResponse({ description: 'the queue as configured', type: SetUpResult })
  @ApiErrors(400, 503)
  @HttpCode(200)
  async queue(
    @Param('id', new IdPipe('id')) id: string,
    @Body() body: QueueDto,
    @RequestId() requestId: string,
    @CurrentPrincipal() principal?: Principal,
  ) {
    const position = await this.bus.execute(
      sentFrom(new ConfigureQueue(id, body.name, operator(principal)), requestId),
    );
    return { id, name: body.name, position };
  }

  @Put('agents/:id')
  @ApiOkResponse({ description: 'the agent as configured, with its presence', type: SetUpResult })
  @ApiErrors(400, 409, 503)
  @HttpCode(200)
  async agent(
    @Param('id', new IdPipe('id')) id: string,
    @Body() body: AgentDto,
    @RequestId() requestId: string,
    @CurrentPrincipal() principal?: Principal,
  ) {
    const { position, agent } = await this.bus.execute(
      sentFrom(
        new RunAgentCommand(
          {
            type: 'configureAgent',
            agentId: id,
            name: body.name,
            capacityUnits: body.capacityUnits,
            queueIds: body.queueIds,
          },
          operator(principal),
        ),
        requestId,
      ),
    );
    return {
      id,
      name: agent.name,
      capacityUnits: agent.capacityUnits,
      queueIds: agent.queueIds,
      presence: agent.presence,
      position,
    };
  }

  @Put('agents/:id/presence')
  @ApiOkResponse({ description: 'the presence now', type: PresenceResult })
  @ApiErrors(400, 404, 409, 503)
  @HttpCode(200)
  @Roles('agent', 'supervisor', 'admin')
  async presence(
    @Param('id', new IdPipe('id')) id: string,
    @Body() body: PresenceDto,
    @RequestId() requestId: string,
    @CurrentPrincipal() principal?: Principal,
  ) {
    const { actor, supervisor } = presenceChanger(principal, id, body);
    const { position, agent } = await this.bus.execute(
      sentFrom(
        new RunAgentCommand(
          { type: 'changePresence', agentId: id, status: body.status, ...(supervisor && { supervisor }) },
          actor,
        ),
        requestId,
      ),
    );
    if (!supervisor || agent.presence !== 'offline') return { agentId: id, status: agent.presence, position };
    return {
      agentId: id,
      status: agent.presence,
      ...(await this.signOut.conversationsOf(id, actor, supervisor, position, requestId)),
    };
  }
}
