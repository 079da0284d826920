import { ConversationEvent, ConversationState, deadlines, evolveConversation, secondsBetween, stateOf } from '../../../domain/src';
import { toDomainEvent } from '../../../command-handling/src/envelope';
import { StoredEvent } from '../../../event-store/src';
import { Db } from '../database';
import { Projection } from '../projection';

/**
 * Current state of every conversation, the deadlines that state implies (the timers), and how long
 * live chats waited in each queue. Open work per queue is a query over it, in arrival order.
 */
export const conversationsProjection: Projection = {
  name: 'conversations',
  open(db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS conversations (
        id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        workstream_id TEXT NOT NULL,
        queue_id TEXT NOT NULL,
        status_reason TEXT NOT NULL,
        push INTEGER NOT NULL,
        primary_agent_id TEXT,
        owner_agent_id TEXT,
        queued_position INTEGER,
        queued_at TEXT,
        state TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS conversations_by_queue ON conversations (queue_id, status_reason, queued_position);
      CREATE INDEX IF NOT EXISTS conversations_by_status ON conversations (status_reason, push, queued_position);
      CREATE INDEX IF NOT EXISTS conversations_by_agent ON conversations (primary_agent_id);
      CREATE TABLE IF NOT EXISTS timers (
        conversation_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        due_at TEXT NOT NULL,
        PRIMARY KEY (conversation_id, kind)
      );
      CREATE INDEX IF NOT EXISTS timers_by_due ON timers (due_at);
      CREATE TABLE IF NOT EXISTS queue_waits (
        queue_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        seconds REAL NOT NULL,
        PRIMARY KEY (queue_id, position)
      );
    `);
    const addWait = db.prepare('INSERT OR IGNORE INTO queue_waits (queue_id, position, seconds) VALUES (?, ?, ?)');
    const clearTimers = db.prepare('DELETE FROM timers WHERE conversation_id = ?');
    const addTimer = db.prepare('INSERT INTO timers (conversation_id, kind, due_at) VALUES (?, ?, ?)');
    const select = db.prepare('SELECT state, queued_position, queued_at FROM conversations WHERE id = ?');
    const upsert = db.prepare(`
      INSERT INTO conversations (id, channel, workstream_id, queue_id, status_reason, push, primary_agent_id, owner_agent_id, queued_position, queued_at, state)
      VALUES (@id, @channel, @workstreamId, @queueId, @status, @push, @primaryAgentId, @ownerAgentId, @queuedPosition, @queuedAt, @state)
      ON CONFLICT (id) DO UPDATE SET queue_id = excluded.queue_id, status_reason = excluded.status_reason,
        primary_agent_id = excluded.primary_agent_id, owner_agent_id = excluded.owner_agent_id,
        queued_position = excluded.queued_position, queued_at = excluded.queued_at, state = excluded.state`);
    return (stored: StoredEvent) => {
      if (!stored.type.startsWith('conversation.')) return;
      const event = toDomainEvent(stored) as ConversationEvent;
      const row = select.get(event.data.conversationId) as { state: string; queued_position: number; queued_at: string } | undefined;
      const before = row ? (JSON.parse(row.state) as ConversationState) : undefined;
      const after = evolveConversation(before, event);
      const entersQueue = after.status === 'open' && (before?.status !== 'open' || before.queueId !== after.queueId);
      upsert.run({
        id: after.id,
        channel: after.channel,
        workstreamId: after.workstreamId,
        queueId: after.queueId,
        status: after.status,
        push: after.settings.distribution === 'push' ? 1 : 0,
        primaryAgentId: after.status === 'active' || after.status === 'wrap_up' ? (after.primaryAgentId ?? null) : null,
        ownerAgentId: after.primaryAgentId ?? null,
        queuedPosition: entersQueue ? stored.position : (row?.queued_position ?? null),
        queuedAt: entersQueue ? event.at : (row?.queued_at ?? null),
        state: JSON.stringify(after),
      });
      if (after.channel === 'live_chat' && before?.status === 'open' && after.status === 'active' && row?.queued_at) {
        addWait.run(after.queueId, stored.position, secondsBetween(row.queued_at, event.at));
      }
      clearTimers.run(after.id);
      for (const deadline of deadlines(after)) addTimer.run(after.id, deadline.kind, deadline.dueAt);
    };
  },
};

/** The contract's view of a conversation. */
export const conversationView = (s: ConversationState) => ({
  id: s.id,
  channel: s.channel,
  workstreamId: s.workstreamId,
  queueId: s.queueId,
  customerId: s.customer.id,
  state: stateOf(s.status),
  statusReason: s.status,
  ...(s.primaryExternalNumber ? { primaryExternalNumber: s.primaryExternalNumber } : { primaryAgentId: s.primaryAgentId ?? null }),
  accepted: s.accepted,
  openedAt: s.openedAt,
  updatedAt: s.updatedAt,
  closedAt: s.closedAt ?? null,
});
