import { ConversationEvent, StatusReason, addSeconds } from '#domain';
import { toDomainEvent } from '#event-envelope';
import { StoredEvent } from '#event-store';
import { Db } from '../database';
import { Projection } from '../projection';
import { QueueFact, StatusBucket, TrackedConversation, trackConversation } from './tracking';

/** Answers, abandonments and per-minute queue changes older than this (by event time) are dropped. */
export const STATISTICS_RETENTION_SECONDS = 2 * 3600;

/** `2026-11-21T10:07` of an ISO instant: the chart's minute. */
export const minuteOf = (at: string): string => at.slice(0, 16);

/**
 * The facts behind the supervisor's queue and conversation figures: which conversations wait where and since
 * when, every answer (with its wait and whether it was within the service-level threshold) and abandonment of
 * the last two hours, how many waited in each queue minute by minute (as changes), and how many conversations
 * are in each status reason. Windows such as "the last 15 minutes" are cut at query time against the clock.
 */
export const queueStatisticsProjection: Projection = {
  name: 'queue-statistics',
  open(db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS stat_conversations (
        id TEXT PRIMARY KEY,
        queue_id TEXT NOT NULL,
        status TEXT NOT NULL,
        accepted INTEGER NOT NULL,
        threshold_seconds REAL NOT NULL,
        queued_at TEXT
      );
      CREATE INDEX IF NOT EXISTS stat_conversations_waiting
        ON stat_conversations (queue_id, queued_at) WHERE queued_at IS NOT NULL;
      CREATE TABLE IF NOT EXISTS stat_status_counts (status TEXT PRIMARY KEY, count INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS stat_queue_waiting (queue_id TEXT PRIMARY KEY, waiting INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS stat_answers (
        position INTEGER PRIMARY KEY,
        queue_id TEXT NOT NULL,
        at TEXT NOT NULL,
        wait_seconds REAL NOT NULL,
        within_threshold INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS stat_answers_by_time ON stat_answers (at);
      CREATE TABLE IF NOT EXISTS stat_abandons (
        position INTEGER PRIMARY KEY,
        queue_id TEXT NOT NULL,
        at TEXT NOT NULL,
        from_queue INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS stat_abandons_by_time ON stat_abandons (at);
      CREATE TABLE IF NOT EXISTS stat_queue_minutes (
        queue_id TEXT NOT NULL,
        minute TEXT NOT NULL,
        waiting_change INTEGER NOT NULL,
        PRIMARY KEY (queue_id, minute)
      );
      CREATE INDEX IF NOT EXISTS stat_queue_minutes_by_minute ON stat_queue_minutes (minute);
    `);
    const select = db.prepare(`SELECT queue_id AS queueId, status, accepted, threshold_seconds AS thresholdSeconds,
      queued_at AS queuedAt FROM stat_conversations WHERE id = ?`);
    const upsert =
      db.prepare(`INSERT INTO stat_conversations (id, queue_id, status, accepted, threshold_seconds, queued_at)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET queue_id = excluded.queue_id, status = excluded.status,
        accepted = excluded.accepted, threshold_seconds = excluded.threshold_seconds, queued_at = excluded.queued_at`);
    const remove = db.prepare('DELETE FROM stat_conversations WHERE id = ?');
    const count = db.prepare(`INSERT INTO stat_status_counts (status, count) VALUES (?, ?)
      ON CONFLICT (status) DO UPDATE SET count = count + excluded.count`);
    const waiting = db.prepare(`INSERT INTO stat_queue_waiting (queue_id, waiting) VALUES (?, ?)
      ON CONFLICT (queue_id) DO UPDATE SET waiting = waiting + excluded.waiting`);
    const minute = db.prepare(`INSERT INTO stat_queue_minutes (queue_id, minute, waiting_change) VALUES (?, ?, ?)
      ON CONFLICT (queue_id, minute) DO UPDATE SET waiting_change = waiting_change + excluded.waiting_change`);
    const answer = db.prepare(
      'INSERT OR IGNORE INTO stat_answers (position, queue_id, at, wait_seconds, within_threshold) VALUES (?, ?, ?, ?, ?)',
    );
    const abandon = db.prepare(
      'INSERT OR IGNORE INTO stat_abandons (position, queue_id, at, from_queue) VALUES (?, ?, ?, ?)',
    );
    const pruneAnswers = db.prepare('DELETE FROM stat_answers WHERE at < ?');
    const pruneAbandons = db.prepare('DELETE FROM stat_abandons WHERE at < ?');
    const pruneMinutes = db.prepare('DELETE FROM stat_queue_minutes WHERE minute < ?');

    // Rows of conversations changed in this batch; `null` = closed (removed). Facts are written as they come,
    // and old facts dropped event by event, so the tables never depend on how the events were batched.
    const batch = new Map<string, TrackedConversation | null>();
    const load = (id: string): TrackedConversation | undefined => {
      if (batch.has(id)) return batch.get(id) ?? undefined;
      const row = select.get(id) as (Omit<TrackedConversation, 'accepted'> & { accepted: number }) | undefined;
      if (!row) return undefined;
      const { queuedAt, accepted, ...rest } = row;
      return { ...rest, accepted: accepted === 1, ...(queuedAt !== null && { queuedAt }) };
    };
    const record = (position: number, fact: QueueFact) => {
      switch (fact.kind) {
        case 'entered':
        case 'left': {
          const change = fact.kind === 'entered' ? 1 : -1;
          waiting.run(fact.queueId, change);
          minute.run(fact.queueId, minuteOf(fact.at), change);
          return;
        }
        case 'answered':
          answer.run(position, fact.queueId, fact.at, fact.waitSeconds, fact.withinThreshold ? 1 : 0);
          return;
        case 'abandoned':
          abandon.run(position, fact.queueId, fact.at, fact.fromQueue ? 1 : 0);
          return;
      }
    };
    return {
      apply(stored: StoredEvent) {
        if (!stored.type.startsWith('conversation.')) return;
        const event = toDomainEvent(stored) as ConversationEvent;
        const id = event.data.conversationId;
        const before = event.type === 'conversation.requested' ? undefined : load(id);
        // Nothing follows a close that changes a figure (closed is final).
        if (event.type !== 'conversation.requested' && !before) return;
        const { after, facts } = trackConversation(before, event, stored.metadata.statusReason as StatusReason);
        for (const fact of facts) record(stored.position, fact);
        const from: StatusBucket | undefined = before?.status;
        const to: StatusBucket = after?.status ?? 'closed';
        if (from !== to) {
          if (from) count.run(from, -1);
          count.run(to, 1);
        }
        batch.set(id, after ?? null);
        const cutoff = addSeconds(event.at, -STATISTICS_RETENTION_SECONDS);
        pruneAnswers.run(cutoff);
        pruneAbandons.run(cutoff);
        pruneMinutes.run(minuteOf(cutoff));
      },
      flush() {
        for (const [id, row] of batch) {
          if (row === null) remove.run(id);
          else
            upsert.run(id, row.queueId, row.status, row.accepted ? 1 : 0, row.thresholdSeconds, row.queuedAt ?? null);
        }
        batch.clear();
      },
    };
  },
};
