import { Actor } from '#event-store';

/** Why a command runs: recorded in the metadata of every event it produces. */
export interface Cause {
  /** `customer` is resolved to the conversation's customer once the conversation is loaded. */
  actor: Actor | 'customer';
  /** The channel event's `eventId`, when a channel event caused the command; makes it idempotent. */
  causationId?: string;
  /** When the cause happened (the channel event's `occurredAt`). */
  occurredAt?: string;
}

/** What a timer falling due is recorded as having been caused by. */
export const TIMER_CAUSE: Cause = { actor: { kind: 'system', id: 'timer' } };
