import { IsOptional, IsString, Length } from 'class-validator';
import { IsId } from '../../../../libs/messaging/src';

export class AgentCommandDto {
  @IsId() agentId!: string;
}

/** Exactly one target; checked in the controller so the 400 can say so. */
export class TransferDto extends AgentCommandDto {
  @IsOptional() @IsId() toQueueId?: string;
  @IsOptional() @IsId() toAgentId?: string;
  @IsOptional() @IsString() @Length(1, 64) toExternalNumber?: string;
}

export class MessageDto extends AgentCommandDto {
  @IsString() @Length(1, 20_000) text!: string;
}
