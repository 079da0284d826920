import { addSeconds, ConversationEvent, DomainEvent, StatusReason } from '#domain';
import { StoredEvent } from '#event-store';
import { Db } from '../database';
import { Projection } from '../projection';
import { QUEUE_STATISTICS_SCHEMA, QUEUE_STATISTICS_TABLES } from './schema';
import { QueueFact, StatusBucket, TrackedConversation, trackConversation } from './tracking';

/** Answers, abandonments and per-minute queue changes older than this (by event time) are dropped. */
export const STATISTICS_RETENTION_SECONDS = 2 * 3600;

/** `2026-11-21T10:07` of an ISO instant: the chart's minute. */
export const minuteOf = (at: string): string => at.slice(0, 16);

/**
 * The facts behind the supervisor's queue and conversation figures: which conversations wait where and since
 * when, every answer (with its wait and whether it was within the service-level threshold) and abandonment of
 * the last two hours, each queue minute by minute (the change in waiting, answers, answers in time, abandonments
 * while waiting: the chart's hour), and how many conversations
 * are in each status reason. Windows such as "the last 15 minutes" are cut at query time against the clock.
 */
export const queueStatisticsProjection: Projection = {
  name: 'queue-statistics',
  reads: ['conversation.*'],
  tables: QUEUE_STATISTICS_TABLES,
  open(db: Db) {
    db.exec(QUEUE_STATISTICS_SCHEMA);
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
    const minute = db.prepare(`INSERT INTO stat_queue_minutes
        (queue_id, minute, waiting_change, assigned, assigned_within, abandoned_waiting) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (queue_id, minute) DO UPDATE SET waiting_change = waiting_change + excluded.waiting_change,
        assigned = assigned + excluded.assigned, assigned_within = assigned_within + excluded.assigned_within,
        abandoned_waiting = abandoned_waiting + excluded.abandoned_waiting`);
    const answer = db.prepare(
      'INSERT OR IGNORE INTO stat_answers (position, queue_id, at, wait_seconds, within_threshold) VALUES (?, ?, ?, ?, ?)',
    );
    const abandon = db.prepare(
      'INSERT OR IGNORE INTO stat_abandons (position, queue_id, at, from_queue) VALUES (?, ?, ?, ?)',
    );
    const pruneAnswers = db.prepare('DELETE FROM stat_answers WHERE at < ?');
    const pruneAbandons = db.prepare('DELETE FROM stat_abandons WHERE at < ?');
    const pruneMinutes = db.prepare('DELETE FROM stat_queue_minutes WHERE minute < ?');

    // Per batch: the rows of conversations changed (`null` = closed, removed) and the sums to add.
    const batch = new Map<string, TrackedConversation | null>();
    const statusChanges = new Map<StatusBucket, number>();
    const waitingChanges = new Map<string, number>();
    const minuteChanges = new Map<string, { queueId: string; minute: string; sums: number[] }>();
    const add = <K>(map: Map<K, number>, key: K, n: number) => map.set(key, (map.get(key) ?? 0) + n);
    /** Adds to a queue minute's [waiting change, assigned, assigned within threshold, abandoned while waiting]. */
    const addToMinute = (queueId: string, at: string, sums: number[]) => {
      const key = `${queueId}|${minuteOf(at)}`;
      const entry = minuteChanges.get(key) ?? { queueId, minute: minuteOf(at), sums: [0, 0, 0, 0] };
      sums.forEach((n, i) => (entry.sums[i] += n));
      minuteChanges.set(key, entry);
    };
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
          add(waitingChanges, fact.queueId, change);
          addToMinute(fact.queueId, fact.at, [change, 0, 0, 0]);
          return;
        }
        case 'answered': {
          const within = fact.withinThreshold ? 1 : 0;
          answer.run(position, fact.queueId, fact.at, fact.waitSeconds, within);
          addToMinute(fact.queueId, fact.at, [0, 1, within, 0]);
          return;
        }
        case 'abandoned':
          abandon.run(position, fact.queueId, fact.at, fact.fromQueue ? 1 : 0);
          if (fact.fromQueue) addToMinute(fact.queueId, fact.at, [0, 0, 0, 1]);
          return;
      }
    };
    // Old facts are dropped as event time passes each minute. The clock never goes back (events are stamped in
    // store order by one clock), so what is dropped does not depend on how the events were batched: replay
    // rebuilds the same rows.
    let prunedBefore = '';
    // The cutoff depends only on the event's minute (the retention is whole minutes; instants are UTC ISO-8601).
    let prunedAtMinute = '';
    const prune = (at: string) => {
      const minute = minuteOf(at);
      if (minute === prunedAtMinute) return;
      prunedAtMinute = minute;
      const cutoff = minuteOf(addSeconds(at, -STATISTICS_RETENTION_SECONDS));
      if (cutoff <= prunedBefore) return;
      prunedBefore = cutoff;
      pruneAnswers.run(cutoff);
      pruneAbandons.run(cutoff);
      pruneMinutes.run(cutoff);
      for (const [key, entry] of minuteChanges) if (entry.minute < cutoff) minuteChanges.delete(key);
    };
    return {
      apply(stored: StoredEvent, domainEvent: DomainEvent) {
        if (!stored.type.startsWith('conversation.')) return;
        const event = domainEvent as ConversationEvent;
        const id = event.data.conversationId;
        const before = event.type === 'conversation.requested' ? undefined : load(id);
        // Nothing follows a close that changes a figure (closed is final).
        if (event.type !== 'conversation.requested' && !before) return;
        const { after, facts } = trackConversation(before, event, stored.metadata.statusReason as StatusReason);
        for (const fact of facts) record(stored.position, fact);
        const from: StatusBucket | undefined = before?.status;
        const to: StatusBucket = after?.status ?? 'closed';
        if (from !== to) {
          if (from) add(statusChanges, from, -1);
          add(statusChanges, to, 1);
        }
        batch.set(id, after ?? null);
        prune(event.at);
      },
      flush() {
        for (const [id, row] of batch) {
          if (row === null) remove.run(id);
          else
            upsert.run(id, row.queueId, row.status, row.accepted ? 1 : 0, row.thresholdSeconds, row.queuedAt ?? null);
        }
        for (const [status, n] of statusChanges) count.run(status, n);
        for (const [queueId, n] of waitingChanges) waiting.run(queueId, n);
        for (const { queueId, minute: m, sums } of minuteChanges.values()) minute.run(queueId, m, ...sums);
        batch.clear();
        statusChanges.clear();
        waitingChanges.clear();
        minuteChanges.clear();
      },
    };
  },
};
