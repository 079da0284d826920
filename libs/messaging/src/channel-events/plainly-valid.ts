import { CHANNELS } from '#domain';
import { ID_PATTERN } from '../validation/is-id';
import { CHANNEL_EVENT_TYPES } from './channel-event';

const TYPES: ReadonlySet<unknown> = new Set(CHANNEL_EVENT_TYPES);
const CHANNEL_SET: ReadonlySet<unknown> = new Set(CHANNELS);
/** The usual shapes of an ISO 8601 UTC or offset date-time; anything else takes the full validator. */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown) => typeof v === 'string' && ID_PATTERN.test(v);
// class-validator's length does not count variation selectors: a string of only those is empty to it.
const isText = (v: unknown, max: number) =>
  typeof v === 'string' && v.length >= 1 && v.length <= max && /[^\uFE0E\uFE0F]/.test(v);

const isCalendarDateTime = (v: unknown): boolean => {
  if (typeof v !== 'string') return false;
  const m = DATE_TIME.exec(v);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

const PAYLOADS: Record<string, ((p: Record<string, unknown>) => boolean) | undefined> = {
  'conversation.requested': (p) =>
    CHANNEL_SET.has(p.channel) &&
    isId(p.workstreamId) &&
    isId(p.queueId) &&
    isObject(p.customer) &&
    isId(p.customer.id) &&
    typeof p.customer.authenticated === 'boolean',
  'customer.message': (p) => isText(p.text, 20_000),
  'customer.ended': () => true,
  'customer.disconnected': () => true,
  'customer.reconnected': () => true,
  'agent.disconnected': (p) => isId(p.agentId),
  'agent.reconnected': (p) => isId(p.agentId),
};

/**
 * A hand-written check that accepts only channel events the declarative validation (channel-event.dto.ts) accepts
 * too — never more, sometimes less (voice transfers, unusual date forms). It answers the common, valid case
 * without class-transformer and class-validator, which cost a tenth of the Kafka path's CPU; whatever it does not
 * accept goes through them, so a problem is always reported by the same rules and in the same words.
 */
export const plainlyValid = (input: unknown): boolean => {
  if (!isObject(input)) return false;
  const payloadValid = PAYLOADS[input.type as string];
  return (
    payloadValid !== undefined &&
    TYPES.has(input.type) &&
    isText(input.eventId, 128) &&
    isId(input.conversationId) &&
    isCalendarDateTime(input.occurredAt) &&
    isObject(input.payload) &&
    payloadValid(input.payload)
  );
};
