import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CommandBus } from '@nestjs/cqrs';
import { ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ConversationCommand, STATUS_REASONS, StatusReason, TRANSFER_TARGET_FIELDS, transferTarget } from '#domain';
import { Actor } from '#event-store';
import { AuditQueries, ConversationQueries, HolderQueries, TranscriptQueries } from '#read-models';
import {
  ApiCommand,
  ApiErrors,
  ApiPageQueries,
  ApiQuery200,
  AuditEntry,
  ConversationView,
  TranscriptMessage,
} from '../http/api-docs';
import { agentActing, requireOwn } from '../auth/access';
import { Principal } from '../auth/principal';
import { CurrentPrincipal, Roles } from '../auth/roles.decorator';
import { IdPipe } from '../http/id.pipe';
import { MinPositionInterceptor } from '../http/min-position.interceptor';
import { pageHeaders, pageRequest } from '../http/pagination';
import { AgentCommandDto, MessageDto, TransferDto } from './agent-command.dto';
import { RequestId, sentFrom } from '../observability/served-request';
import { RunConversationCommand } from './conversation.commands';

/** URL command names (contract) to the domain's command names (spec). */
const SIMPLE_COMMANDS = {
  pick: 'pick',
  accept: 'accept',
  reject: 'reject',
  end: 'end',
  'close-session': 'closeSession',
  release: 'release',
  resume: 'resume',
  resolve: 'resolve',
} as const;

/** Agents command as themselves and read their own conversations; supervisors read everything. */
@ApiTags('conversations')
@Controller('conversations')
@Roles('agent', 'supervisor')
export class ConversationsController {
  constructor(
    private readonly bus: CommandBus,
    private readonly conversations: ConversationQueries,
    private readonly audit: AuditQueries,
    private readonly transcripts: TranscriptQueries,
    private readonly holders: HolderQueries,
  ) {}

  @Post(':id/transfer')
  @ApiCommand()
  @HttpCode(200)
  @Roles('agent')
  transfer(
    @Param('id', new IdPipe('id')) id: string,
    @Body() body: TransferDto,
    @RequestId() requestId: string,
    @CurrentPrincipal() principal?: Principal,
  ) {
    const target = transferTarget(body);
    if (!target) {
      throw new BadRequestException({
        message: `body must have exactly one of ${TRANSFER_TARGET_FIELDS.join(', ')}`,
        field: 'body',
      });
    }
    return this.run(
      { type: 'transfer', conversationId: id, agentId: body.agentId, target },
      agentActing(principal, body.agentId),
      requestId,
    );
  }

  @Post(':id/messages')
  @ApiCommand()
  @HttpCode(200)
  @Roles('agent')
  message(
    @Param('id', new IdPipe('id')) id: string,
    @Body() body: MessageDto,
    @RequestId() requestId: string,
    @CurrentPrincipal() principal?: Principal,
  ) {
    return this.run(
      { type: 'agentMessage', conversationId: id, agentId: body.agentId, text: body.text },
      agentActing(principal, body.agentId),
      requestId,
    );
  }

  @Post(':id/:command')
  @ApiCommand()
  @ApiParam({ name: 'command', enum: Object.keys(SIMPLE_COMMANDS) })
  @HttpCode(200)
  @Roles('agent')
  command(
    @Param('id', new IdPipe('id')) id: string,
    @Param('command') name: string,
    @Body() body: AgentCommandDto,
    @RequestId() requestId: string,
    @CurrentPrincipal() principal?: Principal,
  ) {
    const type = Object.hasOwn(SIMPLE_COMMANDS, name)
      ? SIMPLE_COMMANDS[name as keyof typeof SIMPLE_COMMANDS]
      : undefined;
    if (!type) throw new NotFoundException(`unknown command '${name}'`);
    return this.run(
      { type, conversationId: id, agentId: body.agentId },
      agentActing(principal, body.agentId),
      requestId,
    );
  }

  @Get()
  @UseInterceptors(MinPositionInterceptor)
  @ApiQuery200('conversations matching every filter given', [ConversationView])
  @ApiQuery({ name: 'statusReason', required: false, enum: STATUS_REASONS })
  @ApiQuery({ name: 'queueId', required: false })
  @ApiQuery({ name: 'agentId', required: false, description: 'the primary agent' })
  @ApiPageQueries()
  list(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
    @Query('statusReason') statusReason?: string,
    @Query('queueId', new IdPipe('queueId', true)) queueId?: string,
    @Query('agentId', new IdPipe('agentId', true)) agentId?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @CurrentPrincipal() principal?: Principal,
  ) {
    requireOwn(principal, (self) => agentId === self, 'its own conversations (agentId= its own id)');
    if (statusReason !== undefined && !STATUS_REASONS.includes(statusReason as StatusReason)) {
      throw new BadRequestException({
        message: `statusReason must be one of ${STATUS_REASONS.join(', ')}`,
        field: 'statusReason',
      });
    }
    const page = pageRequest(limit, cursor);
    const found = this.conversations.conversationsPage(
      { statusReason: statusReason as StatusReason | undefined, queueId, agentId },
      page,
    );
    pageHeaders(request, response, found, page.limit);
    return found.items;
  }

  @Get(':id')
  @UseInterceptors(MinPositionInterceptor)
  @ApiQuery200('the conversation', ConversationView)
  @ApiErrors(404)
  get(@Param('id', new IdPipe('id')) id: string, @CurrentPrincipal() principal?: Principal) {
    return this.readable(id, principal);
  }

  @Get(':id/events')
  @UseInterceptors(MinPositionInterceptor)
  @ApiQuery200('the audit trail, oldest first', [AuditEntry])
  @ApiErrors(404)
  events(@Param('id', new IdPipe('id')) id: string, @CurrentPrincipal() principal?: Principal) {
    this.readable(id, principal);
    return this.audit.auditTrail(id);
  }

  @Get(':id/transcript')
  @UseInterceptors(MinPositionInterceptor)
  @ApiQuery200('the messages, oldest first', [TranscriptMessage])
  @ApiErrors(404)
  transcript(@Param('id', new IdPipe('id')) id: string, @CurrentPrincipal() principal?: Principal) {
    this.readable(id, principal);
    return this.transcripts.transcript(id);
  }

  private async run(command: ConversationCommand, actor: Actor, requestId: string) {
    const { conversationId, statusReason, position } = await this.bus.execute(
      sentFrom(new RunConversationCommand(command, { actor }), requestId),
    );
    return { conversationId, statusReason, position };
  }

  /** The conversation, if it exists and the reader may see it (an agent: one it holds or held). */
  private readable(id: string, principal: Principal | undefined) {
    const conversation = this.found(id, this.conversations.conversation(id));
    requireOwn(principal, (agentId) => this.holders.heldBy(id, agentId), 'conversations it holds or held');
    return conversation;
  }

  private found<T>(id: string, value: T | undefined): T {
    if (value === undefined) throw new NotFoundException(`conversation '${id}' does not exist`);
    return value;
  }
}
