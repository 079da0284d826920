import { Db } from './database';

export interface QueueBacklog {
  queueId: string;
  open: number;
  /** When the longest-waiting open conversation entered the queue. */
  oldestQueuedAt: string | null;
}

export interface PresenceCapacity {
  presence: string;
  agents: number;
  totalUnits: number;
  usedUnits: number;
}

export interface TimerCounts {
  kind: string;
  pending: number;
  due: number;
}

/**
 * Aggregates for operators (metrics read at scrape time). Each is one query: open work through the index on
 * status, due timers through the index on due time; agents and pending timers are scanned, both bounded by the
 * staff and the live work, not by history.
 */
export class OperationalStats {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      backlog: db.prepare(
        `SELECT queue_id AS queueId, COUNT(*) AS open, MIN(queued_at) AS oldestQueuedAt
         FROM conversations WHERE status_reason = 'open' GROUP BY queue_id`,
      ),
      agents: db.prepare(
        `SELECT presence, COUNT(*) AS agents, COALESCE(SUM(state ->> '$.capacityUnits'), 0) AS totalUnits,
           COALESCE(SUM((SELECT SUM(h.value ->> '$.units') FROM json_each(state, '$.holds') h)), 0) AS usedUnits
         FROM agents GROUP BY presence`,
      ),
      due: db.prepare('SELECT kind, COUNT(*) AS due FROM timers WHERE due_at <= ? GROUP BY kind'),
      pending: db.prepare('SELECT kind, COUNT(*) AS pending FROM timers GROUP BY kind'),
    };
  }

  /** Open conversations per queue (waiting for an agent), and since when the oldest waits. */
  backlog(): QueueBacklog[] {
    return this.statements.backlog.all() as QueueBacklog[];
  }

  /** Agents, their configured capacity and the units their holds use, by presence. */
  capacityByPresence(): PresenceCapacity[] {
    return this.statements.agents.all() as PresenceCapacity[];
  }

  /** Deadlines kept per timer kind, and how many of them have passed at `now`. */
  timers(now: string): TimerCounts[] {
    const due = new Map((this.statements.due.all(now) as { kind: string; due: number }[]).map((r) => [r.kind, r.due]));
    return (this.statements.pending.all() as { kind: string; pending: number }[]).map(({ kind, pending }) => ({
      kind,
      pending,
      due: due.get(kind) ?? 0,
    }));
  }
}
