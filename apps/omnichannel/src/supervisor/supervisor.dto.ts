import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  ValidateIf,
} from 'class-validator';
import { IsId } from '#messaging';

/** Without authentication the body names the supervisor who acts (as `agentId` names an agent); with it, the token. */
class SupervisorDto {
  @IsOptional() @IsId() supervisorId?: string;
}

export class AssignDto extends SupervisorDto {
  @IsId() agentId!: string;
  /** Assign even when the agent has too little room; recorded in the event (`overCapacity`). */
  @IsOptional() @IsBoolean() overrideCapacity?: boolean;
  @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

const Given = (field: 'toAgentId' | 'toQueueId') => ValidateIf((o: SupervisorTransferDto) => o[field] !== undefined);

/** Exactly one target: checked in the controller, as for an agent's transfer. */
export class SupervisorTransferDto extends SupervisorDto {
  @Given('toAgentId') @IsId() toAgentId?: string;
  @Given('toQueueId') @IsId() toQueueId?: string;
  @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

export class ForceCloseDto extends SupervisorDto {
  /** Required: the audit trail and the conversation event out say why a supervisor ended it. */
  @IsString() @Length(1, 500) reason!: string;
}

export const BULK_ACTIONS = ['assign', 'transfer', 'force-close'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
/** One request applies one action to many conversations, each its own command. */
export const BULK_LIMIT = 500;

export class BulkDto extends SupervisorDto {
  @IsIn(BULK_ACTIONS) action!: BulkAction;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_LIMIT)
  @ArrayUnique()
  @IsId({ each: true })
  conversationIds!: string[];
  @IsOptional() @IsId() agentId?: string;
  @IsOptional() @IsBoolean() overrideCapacity?: boolean;
  @Given('toAgentId') @IsId() toAgentId?: string;
  @Given('toQueueId') @IsId() toQueueId?: string;
  @IsOptional() @IsString() @Length(1, 500) reason?: string;
}
