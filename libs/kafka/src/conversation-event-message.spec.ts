import { StoredEvent } from '#event-store';
import { DLQ_HEADERS, toDeadLetterMessage } from './dead-letter-writer';
import { HEADERS, keyOf, toConversationEventMessage, toConversationEventRecord } from './conversation-event-message';

const stored = (overrides: Partial<StoredEvent> = {}): StoredEvent => ({
  streamId: 'conversation-c-1',
  revision: 3,
  position: 42,
  eventId: 'ev-1',
  type: 'conversation.picked',
  data: { conversationId: 'c-1', agentId: 'a-1', units: 1 },
  metadata: {
    actor: { kind: 'agent', id: 'a-1' },
    occurredAt: '2026-11-21T10:00:00.000Z',
    at: '2026-11-21T10:00:01.000Z',
    schemaVersion: 1,
    statusReason: 'active',
  },
  recordedAt: '2026-11-21T10:00:01.005Z',
  ...overrides,
});

describe('conversation event records', () => {
  it('carries the contract fields, keyed by conversationId, with event-id and event-type headers', () => {
    const message = toConversationEventMessage(stored({ metadata: { ...stored().metadata, causationId: 'ch-1' } }));
    expect(message.key).toBe('c-1');
    expect(message.headers).toEqual({ [HEADERS.eventId]: 'ev-1', [HEADERS.eventType]: 'conversation.picked' });
    expect(JSON.parse(message.value as string)).toEqual({
      eventId: 'ev-1',
      type: 'conversation.picked',
      data: { conversationId: 'c-1', agentId: 'a-1', units: 1 },
      conversationId: 'c-1',
      statusReason: 'active',
      actor: { kind: 'agent', id: 'a-1' },
      causationId: 'ch-1',
      occurredAt: '2026-11-21T10:00:00.000Z',
      at: '2026-11-21T10:00:01.000Z',
      position: 42,
      streamId: 'conversation-c-1',
      revision: 3,
      schemaVersion: 1,
    });
  });

  it('keys an agent capacity event by its conversation, and configuration by its stream', () => {
    const held = stored({
      streamId: 'agent-a-1',
      type: 'agent.capacity_held',
      data: { agentId: 'a-1', conversationId: 'c-9', units: 1, reason: 'active' },
    });
    expect(keyOf(held)).toBe('c-9');
    const configured = stored({
      streamId: 'workstream-w-1',
      type: 'workstream.configured',
      data: { workstreamId: 'w-1' },
    });
    expect(keyOf(configured)).toBe('workstream-w-1');
    expect(toConversationEventRecord(configured)).toMatchObject({ conversationId: null, causationId: null });
  });

  it('publishes an old schema version as the current one', () => {
    const v1 = stored({
      type: 'conversation.requested',
      data: {
        conversationId: 'c-1',
        channel: 'live_chat',
        workstreamId: 'w',
        queueId: 'q',
        customer: { id: 'x', authenticated: true },
        settings: {},
      },
    });
    const record = toConversationEventRecord(v1);
    expect(record.schemaVersion).toBeGreaterThanOrEqual(1);
    expect(record.eventId).toBe('ev-1');
  });
});

describe('dead letters', () => {
  it('keep the original key, value and headers, and add where it came from and why', () => {
    const key = Buffer.from('c-1');
    const value = Buffer.from('{not json');
    const message = toDeadLetterMessage(
      {
        topic: 'omnichannel.channel-events.v1',
        partition: 2,
        offset: '17',
        key,
        value,
        headers: { 'trace-id': Buffer.from('t-1') },
        timestamp: '1795262400000',
        rejection: { kind: 'not_allowed', reason: "its status reason is 'closed'", statusReason: 'closed' },
      },
      'omnichannel-engine',
      new Date('2026-11-21T10:00:00.000Z'),
    );
    expect(message.key).toBe(key);
    expect(message.value).toBe(value);
    expect(message.headers).toEqual({
      'trace-id': Buffer.from('t-1'),
      [DLQ_HEADERS.originalTopic]: 'omnichannel.channel-events.v1',
      [DLQ_HEADERS.originalPartition]: '2',
      [DLQ_HEADERS.originalOffset]: '17',
      [DLQ_HEADERS.originalTimestamp]: '1795262400000',
      [DLQ_HEADERS.reason]: "its status reason is 'closed'",
      [DLQ_HEADERS.errorKind]: 'not_allowed',
      [DLQ_HEADERS.statusReason]: 'closed',
      [DLQ_HEADERS.timestamp]: '2026-11-21T10:00:00.000Z',
      [DLQ_HEADERS.consumerGroup]: 'omnichannel-engine',
    });
  });
});
