import { AgentEvent, AgentState, evolveAgent, freeUnits, usedUnits } from '../../../domain/src';
import { toDomainEvent } from '../../../command-handling/src/envelope';
import { StoredEvent } from '../../../event-store/src';
import { Db } from '../database';
import { Projection } from '../projection';

/** Every agent's configuration, presence and capacity holds. */
export const agentsProjection: Projection = {
  name: 'agents',
  open(db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS agents (id TEXT PRIMARY KEY, presence TEXT NOT NULL, state TEXT NOT NULL)`);
    const select = db.prepare('SELECT state FROM agents WHERE id = ?');
    const upsert = db.prepare(`INSERT INTO agents (id, presence, state) VALUES (?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET presence = excluded.presence, state = excluded.state`);
    return (stored: StoredEvent) => {
      if (!stored.type.startsWith('agent.')) return;
      const event = toDomainEvent(stored) as AgentEvent;
      const row = select.get(event.data.agentId) as { state: string } | undefined;
      const after = evolveAgent(row ? (JSON.parse(row.state) as AgentState) : undefined, event);
      upsert.run(after.id, after.presence, JSON.stringify(after));
    };
  },
};

export const capacityView = (agent: AgentState) => ({
  agentId: agent.id,
  totalUnits: agent.capacityUnits,
  usedUnits: usedUnits(agent),
  freeUnits: freeUnits(agent),
  holds: Object.values(agent.holds).map(({ conversationId, units, reason, until }) => ({
    conversationId,
    units,
    reason,
    ...(until && { until }),
  })),
});
