// class-transformer's @Type reads design-time metadata when the class is declared.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsISO8601,
  IsObject,
  IsString,
  Length,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CHANNELS } from '#domain';
import { IsId } from '../validation/is-id';
import { CHANNEL_EVENT_TYPES, ChannelEventType } from './channel-event';

export class ChannelEventEnvelopeDto {
  @IsString() @Length(1, 128) eventId!: string;
  @IsIn(CHANNEL_EVENT_TYPES) type!: ChannelEventType;
  @IsId() conversationId!: string;
  @IsISO8601({ strict: true }) occurredAt!: string;
  @IsObject() payload!: Record<string, unknown>;
}

class CustomerDto {
  @IsId() id!: string;
  @IsBoolean() authenticated!: boolean;
}

export class RequestedPayloadDto {
  @IsIn(CHANNELS) channel!: string;
  @IsId() workstreamId!: string;
  @IsId() queueId!: string;
  @IsDefined() @IsObject() @ValidateNested() @Type(() => CustomerDto) customer!: CustomerDto;
}

export class MessagePayloadDto {
  @IsString() @Length(1, 20_000) text!: string;
}

export class EmptyPayloadDto {}

export class AgentPayloadDto {
  @IsId() agentId!: string;
}

/** A target that is present is validated, null included: `null` is not a way to leave it out. */
const Given = (field: 'toExternalNumber' | 'toAgentId' | 'toQueueId') =>
  ValidateIf((o: VoiceTransferredPayloadDto) => o[field] !== undefined);

export class VoiceTransferredPayloadDto {
  @IsId() byAgentId!: string;
  @Given('toExternalNumber') @IsString() @Length(1, 64) toExternalNumber?: string;
  @Given('toAgentId') @IsId() toAgentId?: string;
  @Given('toQueueId') @IsId() toQueueId?: string;
}

export const PAYLOAD_DTOS: Record<ChannelEventType, new () => object> = {
  'conversation.requested': RequestedPayloadDto,
  'customer.message': MessagePayloadDto,
  'customer.ended': EmptyPayloadDto,
  'customer.disconnected': EmptyPayloadDto,
  'customer.reconnected': EmptyPayloadDto,
  'voice.transferred': VoiceTransferredPayloadDto,
  'agent.disconnected': AgentPayloadDto,
  'agent.reconnected': AgentPayloadDto,
};
