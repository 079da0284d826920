import { DomainEvent } from '#domain';
import { Actor, EventMetadata, NewEvent, StoredEvent } from '#event-store';
import { newEventId } from './event-id';
import { schemaVersionOf, upcast } from './upcasting';

export const toNewEvent = (
  event: DomainEvent,
  actor: Actor,
  cause: { causationId?: string; occurredAt?: string },
  statusReason?: string,
): NewEvent => ({
  eventId: newEventId(),
  type: event.type,
  data: event.data as unknown as Record<string, unknown>,
  metadata: {
    actor,
    ...(cause.causationId && { causationId: cause.causationId }),
    occurredAt: cause.occurredAt ?? event.at,
    at: event.at,
    schemaVersion: schemaVersionOf(event.type),
    ...(statusReason && { statusReason }),
  } satisfies EventMetadata,
});

/** A stored event as the domain sees it, in the current schema. */
export const toDomainEvent = (stored: StoredEvent): DomainEvent => {
  const current = upcast(stored);
  return { type: current.type, data: current.data, at: current.metadata.at as string } as DomainEvent;
};
