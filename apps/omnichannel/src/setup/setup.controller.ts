import { Body, Controller, HttpCode, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { withDefaults } from '#domain';
import { Actor } from '#event-store';
import { ApiErrors, PresenceResult, SetUpResult } from '../http/api-docs';
import { IdPipe } from '../http/id.pipe';
import { AgentDto, PresenceDto, QueueDto } from './agent.dto';
import { ChangePresence, ConfigureAgent, ConfigureQueue, ConfigureWorkstream } from './setup.commands';
import { WorkstreamDto } from './workstream.dto';

/**
 * Set-up is an operator's act through the API, which has no authentication of its own (docs/decisions.md);
 * the contract's actor kinds are agent|customer|channel|system, so it is recorded as the system's set-up API.
 */
const OPERATOR: Actor = { kind: 'system', id: 'operator-api' };

@ApiTags('set-up')
@Controller()
export class SetupController {
  constructor(private readonly bus: CommandBus) {}

  @Put('workstreams/:id')
  @ApiOkResponse({ description: 'the workstream as configured (defaults filled in)', type: SetUpResult })
  @ApiErrors(400, 503)
  @HttpCode(200)
  async workstream(@Param('id', new IdPipe('id')) id: string, @Body() body: WorkstreamDto) {
    const settings = withDefaults(body);
    const position = await this.bus.execute(new ConfigureWorkstream(id, settings, OPERATOR));
    return { id, ...settings, position };
  }

  @Put('queues/:id')
  @ApiOkResponse({ description: 'the queue as configured', type: SetUpResult })
  @ApiErrors(400, 503)
  @HttpCode(200)
  async queue(@Param('id', new IdPipe('id')) id: string, @Body() body: QueueDto) {
    const position = await this.bus.execute(new ConfigureQueue(id, body.name, OPERATOR));
    return { id, name: body.name, position };
  }

  @Put('agents/:id')
  @ApiOkResponse({ description: 'the agent as configured, with its presence', type: SetUpResult })
  @ApiErrors(400, 409, 503)
  @HttpCode(200)
  async agent(@Param('id', new IdPipe('id')) id: string, @Body() body: AgentDto) {
    const { position, agent } = await this.bus.execute(
      new ConfigureAgent(id, body.name, body.capacityUnits, body.queueIds, OPERATOR),
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
  async presence(@Param('id', new IdPipe('id')) id: string, @Body() body: PresenceDto) {
    const { position, agent } = await this.bus.execute(new ChangePresence(id, body.status, { kind: 'agent', id }));
    return { agentId: id, status: agent.presence, position };
  }
}
