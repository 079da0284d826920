import { Message } from 'kafkajs';
import { upcast } from '#event-envelope';
import { Actor, StoredEvent } from '#event-store';

/** Contract section 2: the value of a record on omnichannel.conversation-events.v1 (JSON). */
export interface ConversationEventRecord {
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  /** The conversation the event belongs to (agent capacity events name one too); null for configuration events. */
  conversationId: string | null;
  /** The conversation's status reason after the event; null for events that are not conversation events. */
  statusReason: string | null;
  /** The cause: who did it. */
  actor: Actor;
  /** The channel event (`eventId`) or command that caused it, when there was one. */
  causationId: string | null;
  /** When the cause happened (a channel event's occurredAt, or the clock's now). */
  occurredAt: string;
  /** When the decision was taken (the engine's clock). */
  at: string;
  /** Global position in the event store: strictly increasing in publication order. */
  position: number;
  streamId: string;
  /** 0-based revision within the stream. */
  revision: number;
  schemaVersion: number;
}

export const HEADERS = { eventId: 'event-id', eventType: 'event-type' } as const;

/** The record key: the conversation id, or the stream id for events that belong to no conversation. */
export const keyOf = (event: StoredEvent): string => {
  const conversationId = event.data.conversationId;
  return typeof conversationId === 'string' && conversationId.length > 0 ? conversationId : event.streamId;
};

export const toConversationEventRecord = (stored: StoredEvent): ConversationEventRecord => {
  const event = upcast(stored);
  const { metadata } = event;
  const conversationId = typeof event.data.conversationId === 'string' ? event.data.conversationId : null;
  return {
    eventId: event.eventId,
    type: event.type,
    data: event.data,
    conversationId,
    statusReason: typeof metadata.statusReason === 'string' ? metadata.statusReason : null,
    actor: metadata.actor,
    causationId: metadata.causationId ?? null,
    occurredAt: metadata.occurredAt,
    at: typeof metadata.at === 'string' ? metadata.at : metadata.occurredAt,
    position: event.position,
    streamId: event.streamId,
    revision: event.revision,
    schemaVersion: metadata.schemaVersion,
  };
};

export const toConversationEventMessage = (stored: StoredEvent): Message => ({
  key: keyOf(stored),
  value: JSON.stringify(toConversationEventRecord(stored)),
  headers: { [HEADERS.eventId]: stored.eventId, [HEADERS.eventType]: stored.type },
});
