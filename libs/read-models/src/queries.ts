import { AgentState, Candidate, ConversationState, StatusReason, TimerKind, Workstream } from '#domain';
import { Db } from './database';
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

  constructor(private readonly db: Db) {
    this.statements = {
      conversation: db.prepare('SELECT state FROM conversations WHERE id = ?'),
      audit: db.prepare('SELECT event FROM audit WHERE conversation_id = ? ORDER BY position'),
      transcript: db.prepare(
        'SELECT position, sender, agent_id AS agentId, text, at FROM messages WHERE conversation_id = ? ORDER BY position',
      ),
      agent: db.prepare('SELECT state FROM agents WHERE id = ?'),
      open: db.prepare(
        `SELECT state, queued_at AS queuedAt FROM conversations WHERE queue_id = ? AND status_reason = 'open' ORDER BY queued_position`,
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

  conversations(filter: ConversationFilter) {
    const where: string[] = [];
    const params: string[] = [];
    const add = (clause: string, value: string | undefined) => {
      if (!value) return;
      where.push(clause);
      params.push(value);
    };
    add('status_reason = ?', filter.statusReason);
    add('queue_id = ?', filter.queueId);
    add('owner_agent_id = ?', filter.agentId);
    const sql = `SELECT state FROM conversations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY rowid`;
    return (this.db.prepare(sql).all(...params) as { state: string }[]).map((r) =>
      conversationView(JSON.parse(r.state)),
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

  /** Open conversations of a queue in arrival order (arrival = when it last entered `open` in this queue). */
  openWork(queueId: string): { state: ConversationState; queuedAt: string }[] {
    return (this.statements.open.all(queueId) as { state: string; queuedAt: string }[]).map((r) => ({
      state: JSON.parse(r.state) as ConversationState,
      queuedAt: r.queuedAt,
    }));
  }
}
