import { Controller, Get, NotFoundException, Param, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ApiTags } from '@nestjs/swagger';
import { AgentQueries, ConfigurationQueries, ConversationQueries } from '#read-models';
import { ApiErrors, ApiPageQueries, ApiQuery200, CapacityView, OpenConversationView } from '../http/api-docs';
import { requireOwn } from '../auth/access';
import { Principal } from '../auth/principal';
import { CurrentPrincipal, Roles } from '../auth/roles.decorator';
import { IdPipe } from '../http/id.pipe';
import { MinPositionInterceptor } from '../http/min-position.interceptor';
import { pageHeaders, pageRequest } from '../http/pagination';
import { openWorkView } from './open-work';

/** Supervisors read every agent and queue; an agent its own capacity and the open work of its queues (to pick). */
@ApiTags('agents and queues')
@Controller()
@Roles('agent', 'supervisor')
@UseInterceptors(MinPositionInterceptor)
export class AgentsAndQueuesController {
  constructor(
    private readonly agents: AgentQueries,
    private readonly configuration: ConfigurationQueries,
    private readonly conversations: ConversationQueries,
  ) {}

  @Get('agents/:id/capacity')
  @ApiQuery200('the agent’s capacity and what holds it', CapacityView)
  @ApiErrors(404)
  capacity(@Param('id', new IdPipe('id')) id: string, @CurrentPrincipal() principal?: Principal) {
    requireOwn(principal, (self) => self === id, 'its own capacity');
    const capacity = this.agents.capacity(id);
    if (!capacity) throw new NotFoundException(`agent '${id}' does not exist`);
    return capacity;
  }

  @Get('queues/:id/open')
  @ApiQuery200('the open conversations in arrival order, a page at a time', [OpenConversationView])
  @ApiErrors(404)
  @ApiPageQueries()
  open(
    @Param('id', new IdPipe('id')) id: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @CurrentPrincipal() principal?: Principal,
  ) {
    const page = pageRequest(limit, cursor);
    if (!this.configuration.queueExists(id)) throw new NotFoundException(`queue '${id}' does not exist`);
    requireOwn(
      principal,
      (self) => this.agents.agent(self)?.queueIds.includes(id) === true,
      'the open work of queues it is a member of',
    );
    const open = this.conversations.openWorkPage(id, page);
    pageHeaders(request, response, open, page.limit);
    return openWorkView(open.items, this.conversations.averageWait(id));
  }
}
