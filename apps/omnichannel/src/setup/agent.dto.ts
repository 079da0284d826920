import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { PRESENCES, Presence } from '#domain';
import { IsId } from '#messaging';

export class QueueDto {
  @IsString() @Length(1, 200) name!: string;
}

export class AgentDto {
  @IsString() @Length(1, 200) name!: string;
  @IsInt() @Min(0) @Max(1000) capacityUnits!: number;
  @IsArray() @ArrayMaxSize(500) @IsId({ each: true }) queueIds!: string[];
}

export class PresenceDto {
  @IsIn(PRESENCES) status!: Presence;
  /** Without authentication: the supervisor who changes another agent's presence (signing them out). */
  @IsOptional() @IsId() supervisorId?: string;
  @IsOptional() @IsString() @Length(1, 500) reason?: string;
}
