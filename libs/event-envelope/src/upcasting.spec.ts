import { StoredEvent } from '#event-store';
import { evolveConversation, ConversationEvent } from '#domain';
import { toDomainEvent, toNewEvent } from './envelope';
import { upcast } from './upcasting';

/** A `conversation.requested` exactly as schema version 1 stored it: no auto-close settings. */
const v1Requested: StoredEvent = {
  streamId: 'conversation-c1',
  revision: 0,
  position: 1,
  eventId: '5b0e7c1e-0f6f-4f57-9f0e-3b3f3f3f3f3f',
  type: 'conversation.requested',
  data: {
    conversationId: 'c1',
    channel: 'voice',
    workstreamId: 'ws1',
    queueId: 'q1',
    customer: { id: 'cu1', authenticated: true },
    settings: {
      distribution: 'pick',
      capacityUnits: 1,
      wrapUpCapacityBlock: 'always',
      keepSameAgent: false,
      agentDisconnectTimeoutSeconds: 60,
      waitingInactivityTimeoutSeconds: 600,
      offerTimeoutSeconds: 30,
    },
  },
  metadata: {
    actor: { kind: 'customer', id: 'cu1' },
    occurredAt: '2026-11-01T10:00:00.000Z',
    at: '2026-11-01T10:00:00.000Z',
    schemaVersion: 1,
  },
  recordedAt: '2026-11-01T10:00:00.000Z',
};

describe('schema evolution', () => {
  it('reads a v1 conversation.requested as v2, with its channel’s auto-close defaults', () => {
    const current = upcast(v1Requested);
    expect(current.metadata.schemaVersion).toBe(2);
    expect((current.data.settings as Record<string, unknown>).autoCloseSeconds).toEqual({
      open: 30 * 86400,
      active: 7200,
      wrap_up: 86400,
    });
    const state = evolveConversation(undefined, toDomainEvent(v1Requested) as ConversationEvent);
    expect(state.settings.autoCloseSeconds.active).toBe(7200);
  });

  it('leaves current events as they are', () => {
    const v2 = upcast(v1Requested);
    expect(upcast(v2)).toBe(v2);
  });

  it('writes conversation.requested with schema version 2 and other events with 1', () => {
    const requested = toNewEvent(
      { type: 'conversation.requested', data: v1Requested.data, at: 'x' } as never,
      { kind: 'system', id: 't' },
      {},
    );
    const picked = toNewEvent(
      { type: 'conversation.picked', data: { conversationId: 'c1', agentId: 'a', units: 1 }, at: 'x' },
      { kind: 'system', id: 't' },
      {},
    );
    expect([requested.metadata.schemaVersion, picked.metadata.schemaVersion]).toEqual([2, 1]);
  });
});
