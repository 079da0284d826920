import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CHANNELS, Channel, Distribution, WrapUpCapacityBlock } from '#domain';

const isWrapUpBlock = (value: unknown): boolean =>
  value === 'always' ||
  value === 'never' ||
  (typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length === 1 &&
    Number.isInteger((value as { minutes: unknown }).minutes) &&
    (value as { minutes: number }).minutes >= 1 &&
    (value as { minutes: number }).minutes <= 60);

const IsWrapUpCapacityBlock = () =>
  ValidateBy({
    name: 'isWrapUpCapacityBlock',
    validator: {
      validate: isWrapUpBlock,
      defaultMessage: () => '$property must be "always", "never" or {"minutes": 1..60}',
    },
  });

const isTimeZone = (value: unknown): boolean => {
  try {
    return (
      typeof value === 'string' &&
      new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone !== undefined
    );
  } catch {
    return false;
  }
};

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/**
 * A window is within one day: `from` before `to` (HH:MM strings compare as times). An overnight shift is two
 * windows, `{day: "mon", from: "22:00", to: "24:00"}` and `{day: "tue", from: "00:00", to: "06:00"}`.
 */
const IsAfterFrom = () =>
  ValidateBy({
    name: 'isAfterFrom',
    validator: {
      validate: (to: unknown, args) =>
        typeof to !== 'string' || typeof (args?.object as OpeningDto).from !== 'string'
          ? true
          : to > (args!.object as OpeningDto).from,
      defaultMessage: () => '$property must be later than from (an overnight window is two windows, one per day)',
    },
  });

class OpeningDto {
  @IsIn(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']) day!: 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
  @Matches(HH_MM, { message: '$property must be a local time HH:MM' }) from!: string;
  @Matches(HH_MM, { message: '$property must be a local time HH:MM' }) @IsAfterFrom() to!: string;
}

class OperatingHoursDto {
  @IsString()
  @ValidateBy({
    name: 'isTimeZone',
    validator: { validate: isTimeZone, defaultMessage: () => '$property must be an IANA time zone' },
  })
  timeZone!: string;

  @ValidateNested({ each: true }) @Type(() => OpeningDto) @ArrayMaxSize(100) weekly!: OpeningDto[];
}

/** Ten years: longer than any contact centre keeps a conversation, and far inside what dates can represent. */
const MAX_SECONDS = 10 * 365 * 24 * 3600;

/** A number of seconds, or null for never. */
class AutoCloseDto {
  @ValidateIf((o) => o.open !== null) @IsOptional() @IsInt() @Min(1) @Max(MAX_SECONDS) open?: number | null;
  @ValidateIf((o) => o.active !== null) @IsOptional() @IsInt() @Min(1) @Max(MAX_SECONDS) active?: number | null;
  @ValidateIf((o) => o.wrap_up !== null) @IsOptional() @IsInt() @Min(1) @Max(MAX_SECONDS) wrap_up?: number | null;
  @ValidateIf((o) => o.waiting !== null) @IsOptional() @IsInt() @Min(1) @Max(MAX_SECONDS) waiting?: number | null;
}

/** Contract: `PUT /workstreams/{id}`. Timeouts and keepSameAgent have defaults (docs/decisions.md). */
export class WorkstreamDto {
  @IsIn(CHANNELS) channel!: Channel;
  @IsIn(['push', 'pick']) distribution!: Distribution;
  @IsInt() @Min(1) @Max(1000) capacityUnits!: number;
  @IsWrapUpCapacityBlock() wrapUpCapacityBlock!: WrapUpCapacityBlock;
  @IsOptional() @IsBoolean() keepSameAgent?: boolean;
  @IsOptional() @IsInt() @Min(1) @Max(86_400) agentDisconnectTimeoutSeconds?: number;
  @IsOptional() @IsInt() @Min(1) @Max(MAX_SECONDS) waitingInactivityTimeoutSeconds?: number;
  @IsOptional() @IsInt() @Min(1) @Max(86_400) offerTimeoutSeconds?: number;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => OperatingHoursDto) operatingHours?: OperatingHoursDto;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => AutoCloseDto) autoCloseSeconds?: AutoCloseDto;
  @IsOptional() @IsInt() @Min(1) @Max(3600) serviceLevelThresholdSeconds?: number;
}
