import { AgentEvent, DomainEvent } from '#domain';
import { StoredEvent } from '#event-store';
import { Db } from '../database';
import { Projection } from '../projection';
import { AGENT_STATISTICS_SCHEMA } from './schema';

/** Each agent's presence and since when (the agents read model keeps the presence, not how long it has lasted). */
export const agentStatisticsProjection: Projection = {
  name: 'agent-statistics',
  reads: ['agent.configured', 'agent.presence_changed'],
  tables: { stat_agents: 'agent_id' },
  open(db: Db) {
    db.exec(AGENT_STATISTICS_SCHEMA);
    const insert = db.prepare(`INSERT OR IGNORE INTO stat_agents (agent_id, presence, since) VALUES (?, 'offline', ?)`);
    // Setting the presence it already has does not restart the clock on it.
    const change = db.prepare('UPDATE stat_agents SET presence = ?, since = ? WHERE agent_id = ? AND presence != ?');
    return {
      apply(stored: StoredEvent, domainEvent: DomainEvent) {
        if (!stored.type.startsWith('agent.')) return;
        const event = domainEvent as AgentEvent;
        if (event.type === 'agent.configured') insert.run(event.data.agentId, event.at);
        else if (event.type === 'agent.presence_changed')
          change.run(event.data.status, event.at, event.data.agentId, event.data.status);
      },
    };
  },
};
