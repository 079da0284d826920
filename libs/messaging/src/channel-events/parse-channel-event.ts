import { TRANSFER_TARGET_FIELDS, transferTarget } from '#domain';
import { InvalidInput, validateAs } from '../validation/validation';
import { ChannelEvent } from './channel-event';
import { ChannelEventEnvelopeDto, PAYLOAD_DTOS } from './channel-event.dto';
import { plainlyValid } from './plainly-valid';

export type Parsed = { ok: true; event: ChannelEvent } | { ok: false; problems: InvalidInput[] };

/** Validates a channel event the same way whether it came over HTTP or Kafka. */
export const parseChannelEvent = (input: unknown): Parsed =>
  plainlyValid(input) ? { ok: true, event: input as ChannelEvent } : parseDeclaratively(input);

/** The rules of channel-event.dto.ts, with class-validator: the reference, and the words of every problem. */
export const parseDeclaratively = (input: unknown): Parsed => {
  const envelope = validateAs(ChannelEventEnvelopeDto, input);
  if (envelope.length) return { ok: false, problems: envelope };
  const event = input as ChannelEvent;
  const payload = validateAs(PAYLOAD_DTOS[event.type], event.payload, 'payload');
  if (payload.length) return { ok: false, problems: payload };
  if (event.type === 'voice.transferred' && !transferTarget(event.payload)) {
    return {
      ok: false,
      problems: [{ field: 'payload', reason: `must have exactly one of ${TRANSFER_TARGET_FIELDS.join(', ')}` }],
    };
  }
  return { ok: true, event };
};
