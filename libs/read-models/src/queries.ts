import { AgentState, Candidate, ConversationState, StatusReason, TimerKind, Workstream } from '#domain';
import { Db, StatementsByShape } from './database';
import { capacityView } from './projections/agents';
import { WAIT_SAMPLE, conversationView } from './projections/conversations';

export interface ConversationFilter {
  statusReason?: StatusReason;
  queueId?: string;
  agentId?: string;
}

export interface Queued {
  state: ConversationState;
  /** Store position at which it last entered `open` in its queue: the arrival order. */
  queuedPosition: number;
}

interface QueuedRow {
  state: string;
  queuedPosition: number;
}
const queued = (r: QueuedRow): Queued => ({
  state: JSON.parse(r.state) as ConversationState,
  queuedPosition: r.queuedPosition,
});

interface CandidateRow {
  state: string;
  lastAssignedPosition: number;
}
const candidate = (r: CandidateRow): Candidate => ({
  agent: JSON.parse(r.state) as AgentState,
  lastAssignedPosition: r.lastAssignedPosition,
});

/** Everything the HTTP queries and the process managers read. Reads only; projections write. */
export class ReadModels {
  private readonly statements;
  private readonly byShape: StatementsByShape;

  constructor(db: Db) {
    this.byShape = new StatementsByShape(db);
    this.statements = {
      conversation: db.prepare('SELECT state FROM conversations WHERE id = ?'),
      audit: db.prepare('SELECT event FROM audit WHERE conversation_id = ? ORDER BY position'),
      transcript: db.prepare(
        'SELECT position, sender, agent_id AS agentId, text, at FROM messages WHERE conversation_id = ? ORDER BY position',
      ),
      agent: db.prepare('SELECT state FROM agents WHERE id = ?'),
      open: db.prepare(
        `SELECT state, queued_at AS queuedAt, queued_position AS queuedPosition FROM conversations
          WHERE queue_id = ? AND status_reason = 'open' AND queued_position > ? ORDER BY queued_position LIMIT ?`,
      ),
      openCount: db.prepare(
        `SELECT COUNT(*) AS n FROM conversations WHERE queue_id = ? AND status_reason = 'open' AND queued_position <= ?`,
      ),
      queue: db.prepare('SELECT id, name FROM queues WHERE id = ?'),
      openPush: db.prepare(
        `SELECT state, queued_position AS queuedPosition FROM conversations WHERE status_reason = 'open' AND push = 1
          ORDER BY queued_position`,
      ),
      routing: db.prepare(
        `SELECT state, queued_position AS queuedPosition FROM conversations
          WHERE id = ? AND status_reason = 'open' AND push = 1`,
      ),
      candidates: db.prepare(
        `SELECT state, last_assigned_position AS lastAssignedPosition FROM agents WHERE presence != 'offline'`,
      ),
      candidate: db.prepare(
        `SELECT state, last_assigned_position AS lastAssignedPosition FROM agents WHERE id = ? AND presence != 'offline'`,
      ),
      workstream: db.prepare('SELECT settings FROM workstreams WHERE id = ?'),
      recentWaits: db.prepare('SELECT seconds FROM queue_waits WHERE queue_id = ? ORDER BY position DESC LIMIT ?'),
      nextDue: db.prepare('SELECT MIN(due_at) AS dueAt FROM timers WHERE due_at > ? AND due_at <= ?'),
      dueTimers: db.prepare(
        'SELECT conversation_id AS conversationId, kind, due_at AS dueAt FROM timers WHERE due_at <= ? ORDER BY due_at LIMIT ?',
      ),
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
   * the cursor; every filter combination is served by an index in that order (conversations projection).
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

  auditTrail(conversationId: string) {
    return (this.statements.audit.all(conversationId) as { event: string }[]).map((r) => JSON.parse(r.event));
  }

  transcript(conversationId: string) {
    return this.statements.transcript.all(conversationId) as {
      position: number;
      sender: string;
      agentId: string | null;
      text: string;
      at: string;
    }[];
  }

  agent(id: string): AgentState | undefined {
    const row = this.statements.agent.get(id) as { state: string } | undefined;
    return row && (JSON.parse(row.state) as AgentState);
  }

  capacity(agentId: string) {
    const agent = this.agent(agentId);
    return agent && capacityView(agent);
  }

  queueExists(queueId: string): boolean {
    return this.statements.queue.get(queueId) !== undefined;
  }

  /** Open conversations whose workstream pushes, oldest first, with the position at which they entered their queue. */
  openPushConversations(): Queued[] {
    return (this.statements.openPush.all() as QueuedRow[]).map(queued);
  }

  /** The conversation, if it is open and its workstream pushes. */
  openPushConversation(id: string): Queued | undefined {
    const row = this.statements.routing.get(id) as QueuedRow | undefined;
    return row && queued(row);
  }

  /** Agents who are signed in (presence other than offline), with their round-robin order. */
  signedInAgents(): Candidate[] {
    return (this.statements.candidates.all() as CandidateRow[]).map(candidate);
  }

  /** The agent with their round-robin order, if signed in. */
  signedInAgent(id: string): Candidate | undefined {
    const row = this.statements.candidate.get(id) as CandidateRow | undefined;
    return row && candidate(row);
  }

  workstream(id: string): Workstream | undefined {
    const row = this.statements.workstream.get(id) as { settings: string } | undefined;
    return row && (JSON.parse(row.settings) as Workstream);
  }

  /** The moving average of the last waits (queued to assigned) of live chats in a queue; undefined before any. */
  averageWait(queueId: string): number | undefined {
    const waits = this.statements.recentWaits.all(queueId, WAIT_SAMPLE) as { seconds: number }[];
    return waits.length ? Math.round(waits.reduce((sum, w) => sum + w.seconds, 0) / waits.length) : undefined;
  }

  /** The earliest deadline after `after` and at or before `until`, if any. */
  nextDeadline(after: string, until: string): string | undefined {
    return (this.statements.nextDue.get(after, until) as { dueAt: string | null }).dueAt ?? undefined;
  }

  /** Deadlines that have passed at `now`, oldest first. */
  dueTimers(now: string, limit: number): { conversationId: string; kind: TimerKind; dueAt: string }[] {
    return this.statements.dueTimers.all(now, limit) as { conversationId: string; kind: TimerKind; dueAt: string }[];
  }

  /** One page of a queue's open work (see openWork), after the cursor, each with its place in the whole queue. */
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
}

export interface PageRequest {
  /** -1: no limit. */
  limit: number;
  /** The cursor: the order key of the last item of the previous page. */
  after?: number;
}

export interface ListPage<T> {
  items: T[];
  /** Every match, on every page. */
  total: number;
  /** The cursor of the next page, when there is one. */
  next?: number;
}

export interface OpenWork {
  state: ConversationState;
  queuedAt: string;
  /** Place in the whole queue, from 1. */
  position: number;
}

/** `rows` holds up to one more than the page: its presence says there is a next page. */
const paged = <R, T>(rows: R[], limit: number, total: number, key: (r: R) => number, view: (r: R, i: number) => T) => {
  const items = limit < 0 ? rows : rows.slice(0, limit);
  return {
    items: items.map(view),
    total,
    ...(limit >= 0 && rows.length > limit && { next: key(items[items.length - 1]) }),
  };
};
