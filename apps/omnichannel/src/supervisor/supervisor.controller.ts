import { BadRequestException, Body, Controller, HttpCode, Logger, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConversationCommand, SupervisorTransferTarget } from '#domain';
import { ApiErrors, BulkResult, CommandResult } from '../http/api-docs';
import { SupervisorActing, supervisorActing } from '../auth/access';
import { ROLES } from '../auth/auth-settings';
import { Permission } from '../auth/permissions';
import { Principal } from '../auth/principal';
import { CurrentPrincipal, Roles } from '../auth/roles.decorator';
import { errorAnswer } from '../http/error-filter';
import { IdPipe } from '../http/id.pipe';
import { RunConversationCommand } from '../conversations/conversation.commands';
import { RequestId, sentFrom } from '../observability/served-request';
import { AssignDto, BulkAction, BulkDto, ForceCloseDto, SupervisorTransferDto } from './supervisor.dto';

/** Items of a bulk request decided at once: enough to keep the store busy, few enough not to starve others. */
const BULK_CONCURRENCY = 8;

const PERMISSION: Record<BulkAction, Permission> = {
  assign: 'assign',
  transfer: 'transfer',
  'force-close': 'force-close',
};

/**
 * A supervisor's actions on conversations (issue 21), each through the one command path and decided in the
 * domain (S1–S3, docs/lifecycle.md). Open to every role: the permission each action needs decides (403 names it).
 */
@ApiTags('supervisor')
@Controller('supervisor')
@Roles(...ROLES)
export class SupervisorController {
  private readonly logger = new Logger(SupervisorController.name);

  constructor(private readonly bus: CommandBus) {}

  @Post('conversations/:id/assign')
  @ApiOperation({ summary: 'offer an open conversation to an agent of its queue (S1), past capacity if told so' })
  @ApiOkResponse({ description: 'assigned (offered to the agent)', type: CommandResult })
  @ApiErrors(400, 403, 404, 409, 503)
  @HttpCode(200)
  assign(
    @Param('id', new IdPipe('id')) id: string,
    @Body() body: AssignDto,
    @RequestId() requestId: string,
    @CurrentPrincipal() principal?: Principal,
  ) {
    const acting = supervisorActing(principal, 'assign', body);
    return this.execute(assignCommand(id, body, acting), acting, requestId);
  }

  @Post('conversations/:id/transfer')
  @ApiOperation({ summary: 'move an active or waiting conversation to an agent of its queue or to a queue (S2)' })
  @ApiOkResponse({ description: 'transferred', type: CommandResult })
  @ApiErrors(400, 403, 404, 409, 503)
  @HttpCode(200)
  transfer(
    @Param('id', new IdPipe('id')) id: string,
    @Body() body: SupervisorTransferDto,
    @RequestId() requestId: string,
    @CurrentPrincipal() principal?: Principal,
  ) {
    const acting = supervisorActing(principal, 'transfer', body);
    return this.execute(transferCommand(id, transferTarget(body), acting), acting, requestId);
  }

  @Post('conversations/:id/force-close')
  @ApiOperation({ summary: 'close a conversation that is not closed, with a reason (S3)' })
  @ApiOkResponse({ description: 'closed', type: CommandResult })
  @ApiErrors(400, 403, 404, 409, 503)
  @HttpCode(200)
  forceClose(
    @Param('id', new IdPipe('id')) id: string,
    @Body() body: ForceCloseDto,
    @RequestId() requestId: string,
    @CurrentPrincipal() principal?: Principal,
  ) {
    const acting = supervisorActing(principal, 'force-close', body);
    return this.execute(forceCloseCommand(id, acting), acting, requestId);
  }

  @Post('bulk')
  @ApiOperation({
    summary: 'one action on up to 500 conversations: each its own command, with its own result',
    description:
      'The fields are the action’s (assign: agentId, overrideCapacity?; transfer: toAgentId or toQueueId; ' +
      'force-close: reason). Always 200 once the request is valid: each result has the status the single ' +
      'action would have answered; a refusal of one never undoes another.',
  })
  @ApiOkResponse({ description: 'one result per conversation, in the order given', type: BulkResult })
  @ApiErrors(400, 403, 503)
  @HttpCode(200)
  async bulk(@Body() body: BulkDto, @RequestId() requestId: string, @CurrentPrincipal() principal?: Principal) {
    const acting = supervisorActing(principal, PERMISSION[body.action], body);
    const commandFor = bulkCommand(body, acting);
    const results = new Array<BulkItem>(body.conversationIds.length);
    let next = 0;
    const worker = async () => {
      while (next < body.conversationIds.length) {
        const index = next++;
        results[index] = await this.item(body.conversationIds[index], commandFor, acting, requestId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, body.conversationIds.length) }, worker));
    return { results };
  }

  private async item(
    conversationId: string,
    commandFor: (id: string) => ConversationCommand,
    acting: SupervisorActing,
    requestId: string,
  ): Promise<BulkItem> {
    try {
      const { statusReason, position } = await this.execute(commandFor(conversationId), acting, requestId);
      return { conversationId, status: 200, statusReason, position };
    } catch (error) {
      const { statusCode, body } = errorAnswer(error, this.logger, requestId);
      return {
        conversationId,
        status: statusCode,
        ...(typeof body.statusReason === 'string' && { statusReason: body.statusReason }),
        error: String(body.message),
      };
    }
  }

  private async execute(command: ConversationCommand, { actor }: SupervisorActing, requestId: string) {
    const { conversationId, statusReason, position } = await this.bus.execute(
      sentFrom(new RunConversationCommand(command, { actor }), requestId),
    );
    return { conversationId, statusReason, position };
  }
}

interface BulkItem {
  conversationId: string;
  status: number;
  statusReason?: string;
  position?: number;
  error?: string;
}

const assignCommand = (
  conversationId: string,
  body: { agentId: string; overrideCapacity?: boolean },
  { supervisor }: SupervisorActing,
): ConversationCommand => ({
  type: 'supervisorAssign',
  conversationId,
  agentId: body.agentId,
  overrideCapacity: body.overrideCapacity === true,
  supervisor,
});

const transferCommand = (
  conversationId: string,
  target: SupervisorTransferTarget,
  { supervisor }: SupervisorActing,
): ConversationCommand => ({ type: 'supervisorTransfer', conversationId, target, supervisor });

const forceCloseCommand = (conversationId: string, { supervisor }: SupervisorActing): ConversationCommand => ({
  type: 'forceClose',
  conversationId,
  supervisor: { supervisorId: supervisor.supervisorId, reason: supervisor.reason ?? '' },
});

/** Exactly one of toAgentId and toQueueId (400 naming both otherwise). */
const transferTarget = (body: { toAgentId?: string; toQueueId?: string }): SupervisorTransferTarget => {
  const { toAgentId, toQueueId } = body;
  if ((toAgentId === undefined) === (toQueueId === undefined)) {
    throw new BadRequestException({ message: 'body must have exactly one of toAgentId, toQueueId', field: 'body' });
  }
  return toAgentId !== undefined ? { toAgentId } : { toQueueId: toQueueId! };
};

/** The action's own fields are checked once for the whole request: a request missing them is a 400. */
const bulkCommand = (body: BulkDto, acting: SupervisorActing): ((id: string) => ConversationCommand) => {
  switch (body.action) {
    case 'assign': {
      const { agentId } = body;
      if (agentId === undefined) {
        throw new BadRequestException({ message: 'agentId is required to assign', field: 'agentId' });
      }
      return (id) => assignCommand(id, { agentId, overrideCapacity: body.overrideCapacity }, acting);
    }
    case 'transfer': {
      const target = transferTarget(body);
      return (id) => transferCommand(id, target, acting);
    }
    case 'force-close':
      if (body.reason === undefined) {
        throw new BadRequestException({ message: 'reason is required to force-close', field: 'reason' });
      }
      return (id) => forceCloseCommand(id, acting);
  }
};
