import {
  ConversationEvent,
  ConversationState,
  Deadline,
  deadlines,
  DomainEvent,
  evolveConversation,
  secondsBetween,
} from '#domain';
import { StoredEvent } from '#event-store';
import { Db } from '../database';
import { Projection } from '../projection';
import { CONVERSATIONS_SCHEMA, CONVERSATIONS_TABLES, WAIT_SAMPLE } from './schema';

/**
 * Current state of every conversation, the deadlines that state implies (the timers), and how long
 * live chats waited in each queue. Open work per queue is a query over it, in arrival order.
 */
export const conversationsProjection: Projection = {
  name: 'conversations',
  reads: ['conversation.*'],
  tables: CONVERSATIONS_TABLES,
  open(db: Db) {
    db.exec(CONVERSATIONS_SCHEMA);
    const insertWait = db.prepare('INSERT OR IGNORE INTO queue_waits (queue_id, position, seconds) VALUES (?, ?, ?)');
    // Only the most recent waits make the estimate: older ones are dropped as new ones come (deterministically).
    const pruneWaits = db.prepare(`DELETE FROM queue_waits WHERE queue_id = ? AND position <
      (SELECT MIN(position) FROM (SELECT position FROM queue_waits WHERE queue_id = ? ORDER BY position DESC LIMIT ${WAIT_SAMPLE}))`);
    // Waits are inserted as they come and each queue is pruned once per batch: the same rows as pruning after
    // every insert, for one DELETE per queue instead of one per wait.
    const waitedQueues = new Set<string>();
    const recordWait = (queueId: string, position: number, seconds: number) => {
      insertWait.run(queueId, position, seconds);
      waitedQueues.add(queueId);
    };
    const clearTimers = db.prepare('DELETE FROM timers WHERE conversation_id = ?');
    const addTimer = db.prepare('INSERT INTO timers (conversation_id, kind, due_at) VALUES (?, ?, ?)');
    const select = db.prepare(
      'SELECT state, queued_position AS queuedPosition, queued_at AS queuedAt FROM conversations WHERE id = ?',
    );
    const upsert = db.prepare(`
      INSERT INTO conversations (id, channel, workstream_id, queue_id, status_reason, push, owner_agent_id, queued_position, queued_at, state)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET queue_id = excluded.queue_id, status_reason = excluded.status_reason,
        owner_agent_id = excluded.owner_agent_id,
        queued_position = excluded.queued_position, queued_at = excluded.queued_at, state = excluded.state`);
    const batch = new Map<string, Row>();
    const load = (id: string): Row | undefined => {
      const row = select.get(id) as
        { state: string; queuedPosition: number | null; queuedAt: string | null } | undefined;
      if (!row) return undefined;
      const state = JSON.parse(row.state) as ConversationState;
      return { state, queuedPosition: row.queuedPosition, queuedAt: row.queuedAt, stored: timerKey(state) };
    };
    return {
      apply(stored: StoredEvent, domainEvent: DomainEvent) {
        if (!stored.type.startsWith('conversation.')) return;
        const event = domainEvent as ConversationEvent;
        const id = event.data.conversationId;
        const row = batch.get(id) ?? load(id);
        const before = row?.state;
        const after = evolveConversation(before, event);
        const entersQueue = after.status === 'open' && (before?.status !== 'open' || before.queueId !== after.queueId);
        if (after.channel === 'live_chat' && before?.status === 'open' && after.status === 'active' && row?.queuedAt) {
          recordWait(after.queueId, stored.position, secondsBetween(row.queuedAt, event.at));
        }
        batch.set(id, {
          state: after,
          queuedPosition: entersQueue ? stored.position : (row?.queuedPosition ?? null),
          queuedAt: entersQueue ? event.at : (row?.queuedAt ?? null),
          stored: row?.stored,
        });
      },
      flush() {
        for (const { state, queuedPosition, queuedAt, stored } of batch.values()) {
          // Positional parameters: binding by name looks every one up on an object, once per row.
          upsert.run(
            state.id,
            state.channel,
            state.workstreamId,
            state.queueId,
            state.status,
            state.settings.distribution === 'push' ? 1 : 0,
            state.primaryAgentId ?? null,
            queuedPosition,
            queuedAt,
            JSON.stringify(state),
          );
          // Most events leave the deadlines as they were (a message on an open conversation): rows unchanged.
          // The stored rows are always deadlines(stored state), written by this same flush.
          const due = deadlines(state);
          if (stored === timerKey(state, due)) continue;
          if (stored !== undefined) clearTimers.run(state.id);
          for (const deadline of due) addTimer.run(state.id, deadline.kind, deadline.dueAt);
        }
        batch.clear();
        for (const queueId of waitedQueues) pruneWaits.run(queueId, queueId);
        waitedQueues.clear();
      },
    };
  },
};

interface Row {
  state: ConversationState;
  queuedPosition: number | null;
  queuedAt: string | null;
  /** The timer rows stored for it before this batch (`timerKey`); undefined when it had no row yet. */
  stored?: string;
}

const timerKey = (state: ConversationState, due: Deadline[] = deadlines(state)): string =>
  due.map((d) => `${d.kind}@${d.dueAt}`).join(',');
