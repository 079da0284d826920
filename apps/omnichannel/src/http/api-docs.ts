import { Type, applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { CHANNELS, Channel, PRESENCES, STATUS_REASONS, StatusReason } from '#domain';
import type * as Views from '#read-models/views';

/**
 * The answers' shapes for the OpenAPI description (contract section 3). Request bodies need none: their
 * schemas are generated from the class-validator DTOs (openapi.ts). Each answer from a read model implements
 * that model's view type, so a field renamed there fails the build here.
 */

export class ErrorBody {
  @ApiProperty({ example: 409 }) statusCode!: number;
  @ApiProperty({ example: 'Conflict' }) error!: string;
  @ApiProperty({ description: 'what was wrong: the field and why (400), the current status reason (409)' })
  message!: string;
  @ApiPropertyOptional({ description: 'the input field at fault' }) field?: string;
  @ApiPropertyOptional({ enum: STATUS_REASONS, description: 'the conversation status reason, for a 409' })
  statusReason?: string;
}

export class CommandResult {
  @ApiProperty() conversationId!: string;
  @ApiProperty({ enum: STATUS_REASONS }) statusReason!: string;
  @ApiProperty({ description: 'store position of the command’s last event; send it as X-Min-Position to read it' })
  position!: number;
}

export class BulkItemResult {
  @ApiProperty() conversationId!: string;
  @ApiProperty({ description: 'the HTTP status the single action would have answered (200, 404, 409, ...)' })
  status!: number;
  @ApiPropertyOptional({
    enum: STATUS_REASONS,
    description: 'after the action (200), or the one that refused it (409)',
  })
  statusReason?: string;
  @ApiPropertyOptional({ description: 'store position of the action’s last event (200)' }) position?: number;
  @ApiPropertyOptional({ description: 'why it was refused' }) error?: string;
}

export class BulkResult {
  @ApiProperty({ type: [BulkItemResult] }) results!: BulkItemResult[];
}

export class ChannelEventAccepted {
  @ApiPropertyOptional({ description: 'store position of the event’s effects' }) position?: number;
  @ApiPropertyOptional({ description: 'true when this eventId had been applied before (nothing written)' })
  duplicate?: boolean;
}

export class SetUpResult {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'store position of the change' }) position!: number;
}

export class PresenceResult {
  @ApiProperty() agentId!: string;
  @ApiProperty({ enum: PRESENCES }) status!: string;
  @ApiProperty() position!: number;
  @ApiPropertyOptional({
    type: [String],
    description: 'a supervisor signed the agent out: the active conversations disconnected (T7 then applies)',
  })
  disconnectedConversationIds?: string[];
}

export class ConversationView implements Views.ConversationView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: CHANNELS }) channel!: Channel;
  @ApiProperty() workstreamId!: string;
  @ApiProperty() queueId!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty({ enum: ['open', 'closed'] }) state!: 'open' | 'closed';
  @ApiProperty({ enum: STATUS_REASONS }) statusReason!: StatusReason;
  @ApiPropertyOptional({ nullable: true, type: String }) primaryAgentId?: string | null;
  @ApiPropertyOptional({ description: 'instead of primaryAgentId after a transfer to an external number' })
  primaryExternalNumber?: string;
  @ApiProperty() accepted!: boolean;
  @ApiProperty({ format: 'date-time' }) openedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) closedAt!: string | null;
}

export class OpenConversationView extends ConversationView implements Views.OpenConversationView {
  @ApiProperty({ format: 'date-time' }) queuedAt!: string;
  @ApiPropertyOptional({ description: '1 for the next in line (not for persistent chat)' }) position?: number;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'live chat only; null before any wait is known' })
  estimatedWaitSeconds?: number | null;
}

export class AuditEntry implements Views.AuditEntry {
  @ApiProperty() position!: number;
  @ApiProperty() eventId!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
  @ApiProperty({
    example: { kind: 'agent', id: 'agent-1' },
    description: 'who caused it; `role: "supervisor"` when a supervisor ordered it (then `data.supervisor` says why)',
  })
  actor!: { kind: string; id: string; role?: string };
  @ApiPropertyOptional({ description: 'the channel event that caused it' }) causationId?: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ format: 'date-time', description: 'when it took effect (the clock of the command that decided it)' })
  at!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiPropertyOptional({ enum: STATUS_REASONS }) statusReason?: StatusReason;
  @ApiProperty({ description: 'version of the event’s data shape' }) schemaVersion!: number;
}

export class TranscriptMessage implements Views.TranscriptMessage {
  @ApiProperty() position!: number;
  @ApiProperty({ enum: ['customer', 'agent'] }) sender!: 'customer' | 'agent';
  @ApiProperty({ nullable: true, type: String }) agentId!: string | null;
  @ApiProperty() text!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class CapacityHold implements Views.CapacityHoldView {
  @ApiProperty() conversationId!: string;
  @ApiProperty() units!: number;
  @ApiProperty({ enum: ['active', 'wrap_up'] }) reason!: 'active' | 'wrap_up';
  @ApiPropertyOptional({ format: 'date-time' }) until?: string;
}

export class CapacityView implements Views.CapacityView {
  @ApiProperty() agentId!: string;
  @ApiProperty() totalUnits!: number;
  @ApiProperty() usedUnits!: number;
  @ApiProperty() freeUnits!: number;
  @ApiProperty({ type: [CapacityHold] }) holds!: CapacityHold[];
}

export class HealthBody {
  @ApiProperty({ enum: ['ok', 'unavailable', 'stopping'] }) status!: string;
  @ApiProperty({ description: 'OMNICHANNEL_INSTANCE_ID (default host:pid)' }) instanceId!: string;
  @ApiProperty({ type: [Number], description: 'the work partitions (0-63) this instance owns now' })
  ownedPartitions!: number[];
  @ApiProperty() readModelsPosition!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'eventStore, kafka: healthy and detail' })
  components!: Record<string, { healthy: boolean; detail?: string }>;
}

const ERRORS = {
  400: 'invalid input: the field at fault and why',
  403: 'an agent acting on a conversation that is not theirs, or a permission the token lacks (named)',
  404: 'unknown id',
  409: 'not allowed now: the message names the current status reason (or too many concurrent changes)',
  503: 'the event store is unreachable, the read models are behind X-Min-Position, or the service is stopping',
} as const;

/** The contract's error answers (section 3), each with the `{ statusCode, error, message }` body. */
export const ApiErrors = (...statuses: (keyof typeof ERRORS)[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: ERRORS[status], type: ErrorBody })));

/** A read model query: read-your-writes through X-Min-Position. */
export const ApiQuery200 = (description: string, type: Type<unknown> | [Type<unknown>]) =>
  applyDecorators(
    ApiHeader({
      name: 'X-Min-Position',
      required: false,
      description: 'answer only once the read models include this store position (a command’s `position`)',
    }),
    ApiOkResponse({ description, type }),
    ApiErrors(400, 503),
  );

/** An agent's command on a conversation: 200 with the result, or one of the contract's refusals. */
export const ApiCommand = () =>
  applyDecorators(ApiOkResponse({ description: 'applied', type: CommandResult }), ApiErrors(400, 403, 404, 409, 503));

/** A paged list: `limit` and the `cursor` of the previous page's Link rel=next (X-Total-Count has the total). */
export const ApiPageQueries = () =>
  applyDecorators(
    ApiQuery({ name: 'limit', required: false, description: 'page size' }),
    ApiQuery({ name: 'cursor', required: false, description: 'from the previous answer’s Link rel="next"' }),
  );
