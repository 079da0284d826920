import { ConversationState, StatusReason, TimerKind } from '#domain';
import { Db, StatementsByShape } from '../database';
import { ListPage, PageRequest, paged } from '../paging';
import { WAIT_SAMPLE } from './schema';
import { conversationView } from './view';

export interface ConversationFilter {
  statusReason?: StatusReason;
  queueId?: string;
  agentId?: string;
}

export interface OpenWork {
  state: ConversationState;
  queuedAt: string;
  /** Place in the whole queue, from 1. */
  position: number;
}

/** What HTTP readers (and replay) ask of the conversations: one, a filtered page, a queue's open work. */
export class ConversationQueries {
  private readonly statements;
  private readonly byShape: StatementsByShape;

  constructor(db: Db) {
    this.byShape = new StatementsByShape(db);
    this.statements = {
      conversation: db.prepare('SELECT state FROM conversations WHERE id = ?'),
      open: db.prepare(
        `SELECT state, queued_at AS queuedAt, queued_position AS queuedPosition FROM conversations
          WHERE queue_id = ? AND status_reason = 'open' AND queued_position > ? ORDER BY queued_position LIMIT ?`,
      ),
      openCount: db.prepare(
        `SELECT COUNT(*) AS n FROM conversations WHERE queue_id = ? AND status_reason = 'open' AND queued_position <= ?`,
      ),
      recentWaits: db.prepare('SELECT seconds FROM queue_waits WHERE queue_id = ? ORDER BY position DESC LIMIT ?'),
    };
  }

  conversationState(id: string): ConversationState | undefined {
    const row = this.statements.conversation.get(id) as { state: string } | undefined;
    return row && (JSON.parse(row.state) as ConversationState);
  }

  conversation(id: string) {
    const s = this.conversationState(id);
    return s && conversationView(s);
  }

  /** Every conversation matching the filter (replay and audits; HTTP answers a page at a time). */
  conversations(filter: ConversationFilter) {
    return this.conversationsPage(filter, { limit: -1 }).items;
  }

  /**
   * One page of the conversations matching the filter, in the order they were first projected (rowid), after
   * the cursor; every filter combination is served by an index in that order (conversations schema).
   */
  conversationsPage(filter: ConversationFilter, page: PageRequest) {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const add = (clause: string, value: string | number | undefined) => {
      if (value === undefined || value === '') return;
      where.push(clause);
      params.push(value);
    };
    add('status_reason = ?', filter.statusReason);
    add('queue_id = ?', filter.queueId);
    add('owner_agent_id = ?', filter.agentId);
    const matching = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (
      this.byShape.get(`SELECT COUNT(*) AS n FROM conversations ${matching}`).get(...params) as { n: number }
    ).n;
    add('rowid > ?', page.after);
    const rows = this.byShape
      .get(
        `SELECT rowid, state FROM conversations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY rowid LIMIT ?`,
      )
      .all(...params, page.limit < 0 ? -1 : page.limit + 1) as { rowid: number; state: string }[];
    return paged(
      rows,
      page.limit,
      total,
      (r) => r.rowid,
      (r) => conversationView(JSON.parse(r.state)),
    );
  }

  /** One page of a queue's open work in arrival order, after the cursor, each with its place in the whole queue. */
  openWorkPage(queueId: string, page: PageRequest): ListPage<OpenWork> {
    const total = (this.statements.openCount.get(queueId, Number.MAX_SAFE_INTEGER) as { n: number }).n;
    const ahead =
      page.after === undefined ? 0 : (this.statements.openCount.get(queueId, page.after) as { n: number }).n;
    const rows = this.statements.open.all(queueId, page.after ?? -1, page.limit < 0 ? -1 : page.limit + 1) as {
      state: string;
      queuedAt: string;
      queuedPosition: number;
    }[];
    return paged(
      rows,
      page.limit,
      total,
      (r) => r.queuedPosition,
      (r, i) => ({ state: JSON.parse(r.state) as ConversationState, queuedAt: r.queuedAt, position: ahead + i + 1 }),
    );
  }

  /** The moving average of the last waits (queued to assigned) of live chats in a queue; undefined before any. */
  averageWait(queueId: string): number | undefined {
    const waits = this.statements.recentWaits.all(queueId, WAIT_SAMPLE) as { seconds: number }[];
    return waits.length ? Math.round(waits.reduce((sum, w) => sum + w.seconds, 0) / waits.length) : undefined;
  }
}

export interface DueTimer {
  conversationId: string;
  kind: TimerKind;
  dueAt: string;
}

/** What the timers ask: the deadlines the conversations' states imply. */
export class TimerQueries {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      nextDue: db.prepare('SELECT MIN(due_at) AS dueAt FROM timers WHERE due_at > ? AND due_at <= ?'),
      dueTimers: db.prepare(
        'SELECT conversation_id AS conversationId, kind, due_at AS dueAt FROM timers WHERE due_at <= ? ORDER BY due_at LIMIT ?',
      ),
    };
  }

  /** The earliest deadline after `after` and at or before `until`, if any. */
  nextDeadline(after: string, until: string): string | undefined {
    return (this.statements.nextDue.get(after, until) as { dueAt: string | null }).dueAt ?? undefined;
  }

  /** Deadlines that have passed at `now`, oldest first. */
  dueTimers(now: string, limit: number): DueTimer[] {
    return this.statements.dueTimers.all(now, limit) as DueTimer[];
  }
}
