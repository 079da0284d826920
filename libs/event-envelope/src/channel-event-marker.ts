import { Actor, AppendRequest } from '#event-store';
import { newEventId } from './event-id';

/**
 * Issue 22: a channel event's `eventId` is applied once in the whole store. The append that applies it also
 * creates the stream `channel-event-<eventId>` (expected revision `no_stream`), holding one marker event; a
 * second delivery, on any conversation and any store, loses that revision check and is answered as a duplicate.
 * Markers are bookkeeping, not domain events: projections and the outbound topic skip them (docs/decisions.md).
 */
export const CHANNEL_EVENT_MARKER = 'channel_event.applied';

export const channelEventStream = (eventId: string) => `channel-event-${eventId}`;

export const isChannelEventMarker = (event: { type: string }): boolean => event.type === CHANNEL_EVENT_MARKER;

/** The request that claims `eventId` for the conversation it is applied to (atomically with its events). */
export const channelEventMarker = (
  eventId: string,
  conversationId: string,
  actor: Actor,
  occurredAt: string,
  at: string,
): AppendRequest => ({
  streamId: channelEventStream(eventId),
  expectedRevision: 'no_stream',
  events: [
    {
      eventId: newEventId(),
      type: CHANNEL_EVENT_MARKER,
      // `appliedTo`, not `conversationId`: projections that follow conversations by that field must not see it.
      data: { channelEventId: eventId, appliedTo: conversationId },
      metadata: { actor, causationId: eventId, occurredAt, at, schemaVersion: 1 },
    },
  ],
});
