import { AgentState, Presence, secondsBetween } from '#domain';
import { capacityView } from '../agents';
import { Db, StatementsByShape } from '../database';
import { Page } from '../paging';
import { AgentStatistics, PresenceCounts } from './view';

/** What the supervisor's page asks of the agents (HTTP and the live stream). */
export class AgentStatisticsQueries {
  private readonly presenceCountsRow;
  private readonly byShape: StatementsByShape;

  constructor(db: Db) {
    this.byShape = new StatementsByShape(db);
    this.presenceCountsRow = db.prepare('SELECT presence, COUNT(*) AS count FROM stat_agents GROUP BY presence');
  }

  presenceCounts(): PresenceCounts {
    const counts: PresenceCounts = { available: 0, busy: 0, away: 0, offline: 0 };
    for (const { presence, count } of this.presenceCountsRow.all() as { presence: Presence; count: number }[])
      counts[presence] = count;
    return counts;
  }

  /** Agents in id order, a page at a time; `cursor` is the last agent id of the previous page. */
  agents(now: string, filter: { presence?: Presence; limit: number; cursor?: string }): Page<AgentStatistics> {
    const where = [...(filter.presence ? ['s.presence = @presence'] : [])];
    const rows = this.byShape
      .get(
        `SELECT a.state, s.presence, s.since FROM stat_agents s JOIN agents a ON a.id = s.agent_id
         WHERE ${[...where, ...(filter.cursor ? ['s.agent_id > @cursor'] : [])].join(' AND ') || '1'}
         ORDER BY s.agent_id LIMIT @limit`,
      )
      .all({ presence: filter.presence, cursor: filter.cursor, limit: filter.limit + 1 }) as {
      state: string;
      presence: Presence;
      since: string;
    }[];
    const total = (
      this.byShape.get(`SELECT COUNT(*) AS n FROM stat_agents s WHERE ${where.join(' AND ') || '1'}`).get({
        presence: filter.presence,
      }) as { n: number }
    ).n;
    const items = rows.slice(0, filter.limit).map(({ state, presence, since }) => {
      const agent = JSON.parse(state) as AgentState;
      const { agentId, totalUnits, usedUnits, freeUnits, holds } = capacityView(agent);
      return {
        agentId,
        name: agent.name,
        queueIds: agent.queueIds,
        presence,
        presenceSince: since,
        presenceSeconds: Math.max(0, Math.round(secondsBetween(since, now))),
        totalUnits,
        usedUnits,
        freeUnits,
        holds,
      };
    });
    return { items, total, nextCursor: rows.length > filter.limit ? items[items.length - 1].agentId : null };
  }
}
