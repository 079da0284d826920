import { ConversationState, StatusReason, addSeconds, secondsBetween } from '#domain';
import { ConversationView, WAIT_SAMPLE, conversationView } from '../conversations';
import { Db, StatementsByShape } from '../database';
import { Page } from '../paging';
import { minuteOf } from './projection';
import { StatusBucket } from './tracking';
import { ConversationCounts, QueueHistory, QueueStatistics } from './view';

export interface ConversationListFilter {
  queueId?: string;
  agentId?: string;
  statusReason?: StatusBucket;
  limit: number;
  cursor?: string;
}

/** "Assigned / abandoned in the last 15 minutes", average speed to answer and service level look this far back. */
export const STATISTICS_WINDOW_SECONDS = 15 * 60;
/** The chart spans the last hour, minute by minute. */
export const HISTORY_MINUTES = 60;

/**
 * What the supervisor's page asks of the queues and conversations (HTTP and the live stream); every window is
 * cut at `now`, the clock's time.
 */
export class QueueStatisticsQueries {
  private readonly statements;
  private readonly byShape: StatementsByShape;

  constructor(db: Db) {
    this.byShape = new StatementsByShape(db);
    this.statements = {
      queues: db.prepare(`SELECT q.id AS queueId, q.name, COALESCE(w.waiting, 0) AS waiting
        FROM queues q LEFT JOIN stat_queue_waiting w ON w.queue_id = q.id ORDER BY q.id`),
      oldest: db.prepare(
        'SELECT MIN(queued_at) AS queuedAt FROM stat_conversations WHERE queue_id = ? AND queued_at IS NOT NULL',
      ),
      recentWaits: db.prepare(
        `SELECT AVG(seconds) AS seconds FROM (SELECT seconds FROM queue_waits WHERE queue_id = ? ORDER BY position DESC LIMIT ${WAIT_SAMPLE})`,
      ),
      answers: db.prepare(`SELECT queue_id AS queueId, COUNT(*) AS assigned, SUM(within_threshold) AS within,
        AVG(wait_seconds) AS averageWait FROM stat_answers WHERE at > ? GROUP BY queue_id`),
      abandons: db.prepare(`SELECT queue_id AS queueId, COUNT(*) AS abandoned, SUM(from_queue) AS fromQueue
        FROM stat_abandons WHERE at > ? GROUP BY queue_id`),
      minutes: db.prepare(`SELECT queue_id AS queueId, minute, waiting_change AS change, assigned,
        assigned_within AS within, abandoned_waiting AS abandoned FROM stat_queue_minutes WHERE minute >= ?`),
      statusCounts: db.prepare('SELECT status, count FROM stat_status_counts'),
    };
  }

  queues(now: string): QueueStatistics[] {
    const windowStart = addSeconds(now, -STATISTICS_WINDOW_SECONDS);
    const answers = byQueue(
      this.statements.answers.all(windowStart) as {
        queueId: string;
        assigned: number;
        within: number;
        averageWait: number;
      }[],
    );
    const abandons = byQueue(
      this.statements.abandons.all(windowStart) as { queueId: string; abandoned: number; fromQueue: number }[],
    );
    return (this.statements.queues.all() as { queueId: string; name: string; waiting: number }[]).map((q) => {
      const oldest = (this.statements.oldest.get(q.queueId) as { queuedAt: string | null }).queuedAt;
      const estimate = (this.statements.recentWaits.get(q.queueId) as { seconds: number | null }).seconds;
      const a = answers.get(q.queueId);
      const b = abandons.get(q.queueId);
      const assigned = a?.assigned ?? 0;
      const within = a?.within ?? 0;
      return {
        ...q,
        longestWaitSeconds: oldest === null ? null : Math.max(0, Math.round(secondsBetween(oldest, now))),
        estimatedWaitSeconds: estimate === null ? null : Math.round(estimate),
        assigned,
        abandoned: b?.abandoned ?? 0,
        averageSpeedToAnswerSeconds: a ? round1(a.averageWait) : null,
        assignedWithinThreshold: within,
        serviceLevel: share(within, assigned + (b?.fromQueue ?? 0)),
      };
    });
  }

  /** Per queue, minute by minute over the last hour: waiting at the minute's end and the trailing service level. */
  queueHistory(now: string): { minutes: string[]; queues: QueueHistory[] } {
    const windowMinutes = STATISTICS_WINDOW_SECONDS / 60;
    // Slot i is the minute `span - 1 - i` minutes before now's: the hour shown and the 15 minutes before it.
    const span = HISTORY_MINUTES + windowMinutes - 1;
    const last = Date.parse(minuteOf(now) + ':00Z');
    const slotOf = (minute: string) => span - 1 - (last - Date.parse(minute + ':00Z')) / 60_000;
    const rows = this.statements.minutes.all(minuteOf(new Date(last - (span - 1) * 60_000).toISOString())) as {
      queueId: string;
      minute: string;
      change: number;
      assigned: number;
      within: number;
      abandoned: number;
    }[];
    const perQueue = new Map<string, typeof rows>();
    for (const row of rows) {
      const list = perQueue.get(row.queueId);
      if (list) list.push(row);
      else perQueue.set(row.queueId, [row]);
    }
    const queues = (this.statements.queues.all() as { queueId: string; waiting: number }[]).map(
      ({ queueId, waiting: current }) => {
        const change = new Array<number>(span).fill(0);
        const assigned = new Array<number>(span).fill(0);
        const within = new Array<number>(span).fill(0);
        const abandoned = new Array<number>(span).fill(0);
        // Minutes after now's (events stamped ahead of the clock) count as changes after every minute shown.
        let later = 0;
        for (const row of perQueue.get(queueId) ?? []) {
          const i = slotOf(row.minute);
          if (i >= span) later += row.change;
          else {
            change[i] = row.change;
            assigned[i] = row.assigned;
            within[i] = row.within;
            abandoned[i] = row.abandoned;
          }
        }
        // Walked back from now: a minute ends where the next one ended less what the next one changed.
        const waiting = new Array<number>(HISTORY_MINUTES);
        let level = current - later;
        for (let i = span - 1; i >= windowMinutes - 1; i--) {
          waiting[i - windowMinutes + 1] = level;
          level -= change[i];
        }
        const serviceLevel = waiting.map((_, k) => {
          let a = 0;
          let w = 0;
          let b = 0;
          for (let i = k; i < k + windowMinutes; i++) {
            a += assigned[i];
            w += within[i];
            b += abandoned[i];
          }
          return share(w, a + b);
        });
        return { queueId, waiting, serviceLevel };
      },
    );
    return { minutes: lastHourMinutes(last), queues };
  }

  conversationCounts(): ConversationCounts {
    const byStatusReason: Record<StatusReason, number> = { open: 0, active: 0, wrap_up: 0, waiting: 0, closed: 0 };
    let activeNotAccepted = 0;
    for (const { status, count } of this.statements.statusCounts.all() as { status: StatusBucket; count: number }[]) {
      if (status === 'active_not_accepted') activeNotAccepted = count;
      else byStatusReason[status] = count;
    }
    return { byStatusReason, activeNotAccepted };
  }

  /** Conversations, newest first, a page at a time; `cursor` is opaque (the last row's place). */
  conversations(filter: ConversationListFilter): Page<ConversationView> {
    const where: string[] = [];
    if (filter.queueId) where.push('queue_id = @queueId');
    if (filter.agentId) where.push('owner_agent_id = @agentId');
    // Active offers and accepted active conversations are told apart by the statistics' own status buckets.
    if (filter.statusReason === 'active' || filter.statusReason === 'active_not_accepted')
      where.push('id IN (SELECT id FROM stat_conversations WHERE status = @statusReason)');
    else if (filter.statusReason) where.push('status_reason = @statusReason');
    const params = { ...filter, limit: filter.limit + 1, cursor: filter.cursor ? Number(filter.cursor) : undefined };
    const condition = (extra: string[]) => [...where, ...extra].join(' AND ') || '1';
    // The sort runs over row ids only (from the indexes); the states are read for the page alone.
    const rows = this.byShape
      .get(
        `SELECT rowid, state FROM conversations WHERE rowid IN (
           SELECT rowid FROM conversations WHERE ${condition(filter.cursor ? ['rowid < @cursor'] : [])}
           ORDER BY rowid DESC LIMIT @limit)
         ORDER BY rowid DESC`,
      )
      .all(params) as { rowid: number; state: string }[];
    const total = (
      this.byShape.get(`SELECT COUNT(*) AS n FROM conversations WHERE ${condition([])}`).get(params) as {
        n: number;
      }
    ).n;
    const page = rows.slice(0, filter.limit);
    return {
      items: page.map((r) => conversationView(JSON.parse(r.state) as ConversationState)),
      total,
      nextCursor: rows.length > filter.limit ? String(page[page.length - 1].rowid) : null,
    };
  }
}

/** The 60 minutes ending with the one starting at `last` (ms), oldest first. */
const lastHourMinutes = (last: number) =>
  Array.from({ length: HISTORY_MINUTES }, (_, i) =>
    minuteOf(new Date(last - (HISTORY_MINUTES - 1 - i) * 60_000).toISOString()),
  );
const byQueue = <T extends { queueId: string }>(rows: T[]) => new Map(rows.map((r) => [r.queueId, r]));
const share = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 1000);
const round1 = (n: number) => Math.round(n * 10) / 10;
