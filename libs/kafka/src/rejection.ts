import { DomainError, DomainErrorKind } from '#domain';
import { CHANNEL_EVENT_TYPES, ChannelEvent } from '#messaging';
import { parseChannelEvent } from '#messaging';
import { describeInvalid } from '#messaging';

/**
 * Why a channel event was dead-lettered:
 * - `malformed`: the value is empty, not JSON, or not a JSON object;
 * - `invalid`: a field is missing or wrong (from validation, or from the domain: e.g. a channel
 *   that does not match the workstream's);
 * - `unknown_type`: `type` is not one of the contract's channel event types;
 * - `not_found`, `not_allowed`, `forbidden`: the domain refused it (unknown conversation, queue,
 *   workstream or agent; illegal in the conversation's current status; not the agent's conversation).
 */
export type RejectionKind = 'malformed' | 'unknown_type' | DomainErrorKind;

export interface Rejection {
  kind: RejectionKind;
  /** Human-readable, naming the field where there is one. */
  reason: string;
  /** The field at fault (dotted path), when there is one. */
  field?: string;
  /** The conversation's status reason when the domain refused the event as not allowed now. */
  statusReason?: string;
}

export type ReadResult = { ok: true; event: ChannelEvent } | { ok: false; rejection: Rejection };

const KNOWN_TYPES: ReadonlySet<string> = new Set(CHANNEL_EVENT_TYPES);

/** A Kafka record's value to a validated channel event, or the reason it cannot be one. */
export const readChannelEvent = (value: Buffer | null | undefined): ReadResult => {
  if (!value || value.length === 0) return rejected('malformed', 'value', 'value is empty');
  let input: unknown;
  try {
    input = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return rejected('malformed', 'value', `value is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return rejected('malformed', 'value', 'value must be a JSON object');
  }
  const type = (input as { type?: unknown }).type;
  if (typeof type === 'string' && !KNOWN_TYPES.has(type)) {
    return rejected(
      'unknown_type',
      'type',
      `type '${type}' is not a known channel event type (one of ${CHANNEL_EVENT_TYPES.join(', ')})`,
    );
  }
  const parsed = parseChannelEvent(input);
  if (parsed.ok) return parsed;
  const fields = [...new Set(parsed.problems.map((p) => p.field))];
  return rejected('invalid', fields.join(','), describeInvalid(parsed.problems));
};

/** The domain's refusal of an event's command. */
export const rejectionOf = (error: DomainError): Rejection => ({
  kind: error.kind,
  reason: error.message,
  ...(error.field && { field: error.field }),
  ...(error.statusReason && { statusReason: error.statusReason }),
});

const rejected = (kind: RejectionKind, field: string, reason: string): ReadResult => ({
  ok: false,
  rejection: { kind, field, reason },
});
