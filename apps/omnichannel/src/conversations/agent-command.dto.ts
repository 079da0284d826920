import { IsString, Length, ValidateIf } from 'class-validator';
import { ID_PATTERN, IsId } from '#messaging';

export class AgentCommandDto {
  @IsId() agentId!: string;

  /** `{"agentId": <an id>}` and nothing more: what the rules above accept as it is (see http/validation.ts). */
  static plainlyValid(body: Record<string, unknown>): boolean {
    const keys = Object.keys(body);
    return (
      keys.length === 1 && keys[0] === 'agentId' && typeof body.agentId === 'string' && ID_PATTERN.test(body.agentId)
    );
  }
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
