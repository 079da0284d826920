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
  UseInterceptors,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ConversationCommand, STATUS_REASONS, StatusReason, TRANSFER_TARGET_FIELDS, transferTarget } from '#domain';
import { ReadModels } from '#read-models';
import { ApiCommand, ApiErrors, ApiQuery200, AuditEntry, ConversationView, TranscriptMessage } from '../http/api-docs';
import { IdPipe } from '../http/id.pipe';
import { MinPositionInterceptor } from '../http/min-position.interceptor';
import { AgentCommandDto, MessageDto, TransferDto } from './agent-command.dto';
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

@ApiTags('conversations')
@Controller('conversations')
export class ConversationsController {
  constructor(
    private readonly bus: CommandBus,
    private readonly readModels: ReadModels,
  ) {}

  @Post(':id/transfer')
  @ApiCommand()
  @HttpCode(200)
  transfer(@Param('id', new IdPipe('id')) id: string, @Body() body: TransferDto) {
    const target = transferTarget(body);
    if (!target) {
      throw new BadRequestException({
        message: `body must have exactly one of ${TRANSFER_TARGET_FIELDS.join(', ')}`,
        field: 'body',
      });
    }
    return this.run({ type: 'transfer', conversationId: id, agentId: body.agentId, target }, body.agentId);
  }

  @Post(':id/messages')
  @ApiCommand()
  @HttpCode(200)
  message(@Param('id', new IdPipe('id')) id: string, @Body() body: MessageDto) {
    return this.run({ type: 'agentMessage', conversationId: id, agentId: body.agentId, text: body.text }, body.agentId);
  }

  @Post(':id/:command')
  @ApiCommand()
  @ApiParam({ name: 'command', enum: Object.keys(SIMPLE_COMMANDS) })
  @HttpCode(200)
  command(@Param('id', new IdPipe('id')) id: string, @Param('command') name: string, @Body() body: AgentCommandDto) {
    const type = SIMPLE_COMMANDS[name as keyof typeof SIMPLE_COMMANDS];
    if (!type) throw new NotFoundException(`unknown command '${name}'`);
    return this.run({ type, conversationId: id, agentId: body.agentId }, body.agentId);
  }

  @Get()
  @UseInterceptors(MinPositionInterceptor)
  @ApiQuery200('conversations matching every filter given', [ConversationView])
  @ApiQuery({ name: 'statusReason', required: false, enum: STATUS_REASONS })
  @ApiQuery({ name: 'queueId', required: false })
  @ApiQuery({ name: 'agentId', required: false, description: 'the primary agent' })
  list(
    @Query('statusReason') statusReason?: string,
    @Query('queueId', new IdPipe('queueId', true)) queueId?: string,
    @Query('agentId', new IdPipe('agentId', true)) agentId?: string,
  ) {
    if (statusReason !== undefined && !STATUS_REASONS.includes(statusReason as StatusReason)) {
      throw new BadRequestException({
        message: `statusReason must be one of ${STATUS_REASONS.join(', ')}`,
        field: 'statusReason',
      });
    }
    return this.readModels.conversations({ statusReason: statusReason as StatusReason | undefined, queueId, agentId });
  }

  @Get(':id')
  @UseInterceptors(MinPositionInterceptor)
  @ApiQuery200('the conversation', ConversationView)
  @ApiErrors(404)
  get(@Param('id', new IdPipe('id')) id: string) {
    return this.found(id, this.readModels.conversation(id));
  }

  @Get(':id/events')
  @UseInterceptors(MinPositionInterceptor)
  @ApiQuery200('the audit trail, oldest first', [AuditEntry])
  @ApiErrors(404)
  events(@Param('id', new IdPipe('id')) id: string) {
    this.found(id, this.readModels.conversation(id));
    return this.readModels.auditTrail(id);
  }

  @Get(':id/transcript')
  @UseInterceptors(MinPositionInterceptor)
  @ApiQuery200('the messages, oldest first', [TranscriptMessage])
  @ApiErrors(404)
  transcript(@Param('id', new IdPipe('id')) id: string) {
    this.found(id, this.readModels.conversation(id));
    return this.readModels.transcript(id);
  }

  private async run(command: ConversationCommand, agentId: string) {
    const { conversationId, statusReason, position } = await this.bus.execute(
      new RunConversationCommand(command, { actor: { kind: 'agent', id: agentId } }),
    );
    return { conversationId, statusReason, position };
  }

  private found<T>(id: string, value: T | undefined): T {
    if (value === undefined) throw new NotFoundException(`conversation '${id}' does not exist`);
    return value;
  }
}
