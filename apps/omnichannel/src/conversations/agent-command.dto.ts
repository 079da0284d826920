import { IsString, Length, ValidateIf } from 'class-validator';
import { IsId } from '#messaging';

export class AgentCommandDto {
  @IsId() agentId!: string;
}

/** A target field that is present is validated, null included; exactly one is checked in the controller. */
const Given = (field: keyof TransferDto) => ValidateIf((o: TransferDto) => o[field] !== undefined);

export class TransferDto extends AgentCommandDto {
  @Given('toQueueId') @IsId() toQueueId?: string;
  @Given('toAgentId') @IsId() toAgentId?: string;
  @Given('toExternalNumber') @IsString() @Length(1, 64) toExternalNumber?: string;
}

export class MessageDto extends AgentCommandDto {
  @IsString() @Length(1, 20_000) text!: string;
}
