import { AgentState, ConversationState, StatusReason, TimerKind } from '../../domain/src';
import { Db } from './database';
import { capacityView } from './projections/agents';
import { conversationView } from './projections/conversations';

export interface ConversationFilter {
  statusReason?: StatusReason;
  queueId?: string;
  agentId?: string;
}

/** Everything the HTTP queries and the process managers read. Reads only; projections write. */
export class ReadModels {
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      conversation: db.prepare('SELECT state FROM conversations WHERE id = ?'),
      audit: db.prepare('SELECT event FROM audit WHERE conversation_id = ? ORDER BY position'),
      transcript: db.prepare('SELECT position, sender, agent_id AS agentId, text, at FROM messages WHERE conversation_id = ? ORDER BY position'),
      agent: db.prepare('SELECT state FROM agents WHERE id = ?'),
      open: db.prepare(
        `SELECT state, queued_at AS queuedAt FROM conversations WHERE queue_id = ? AND status_reason = 'open' ORDER BY queued_position`,
      ),
      queue: db.prepare('SELECT id, name FROM queues WHERE id = ?'),
      dueTimers: db.prepare('SELECT conversation_id AS conversationId, kind, due_at AS dueAt FROM timers WHERE due_at <= ? ORDER BY due_at LIMIT ?'),
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
    if (filter.statusReason) (where.push('status_reason = ?'), params.push(filter.statusReason));
    if (filter.queueId) (where.push('queue_id = ?'), params.push(filter.queueId));
    if (filter.agentId) (where.push('owner_agent_id = ?'), params.push(filter.agentId));
    const sql = `SELECT state FROM conversations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY rowid`;
    return (this.db.prepare(sql).all(...params) as { state: string }[]).map((r) => conversationView(JSON.parse(r.state)));
  }

  auditTrail(conversationId: string) {
    return (this.statements.audit.all(conversationId) as { event: string }[]).map((r) => JSON.parse(r.event));
  }

  transcript(conversationId: string) {
    return this.statements.transcript.all(conversationId) as { position: number; sender: string; agentId: string | null; text: string; at: string }[];
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
