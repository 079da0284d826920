import { AgentState, Candidate, ConversationState, Workstream } from '#domain';
import { Db } from './database';

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

/**
 * What distribution asks, across three read models: the open conversations to push (conversations), the agents
 * signed in (agents) and the workstreams' settings (configuration).
 */
export interface DistributionReads {
  /** Open conversations whose workstream pushes, oldest first, with the position at which they entered their queue. */
  openPushConversations(): Queued[];
  openPushConversation(id: string): Queued | undefined;
  /** Agents who are signed in (presence other than offline), with their round-robin order. */
  signedInAgents(): Candidate[];
  signedInAgent(id: string): Candidate | undefined;
  workstream(id: string): Workstream | undefined;
}

export class DistributionQueries implements DistributionReads {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
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
    };
  }

  openPushConversations(): Queued[] {
    return (this.statements.openPush.all() as QueuedRow[]).map(queued);
  }

  openPushConversation(id: string): Queued | undefined {
    const row = this.statements.routing.get(id) as QueuedRow | undefined;
    return row && queued(row);
  }

  signedInAgents(): Candidate[] {
    return (this.statements.candidates.all() as CandidateRow[]).map(candidate);
  }

  signedInAgent(id: string): Candidate | undefined {
    const row = this.statements.candidate.get(id) as CandidateRow | undefined;
    return row && candidate(row);
  }

  workstream(id: string): Workstream | undefined {
    const row = this.statements.workstream.get(id) as { settings: string } | undefined;
    return row && (JSON.parse(row.settings) as Workstream);
  }
}
