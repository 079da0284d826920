import { AgentEvent, AgentState, evolveAgent, freeUnits, usedUnits } from '../../../domain/src';
import { toDomainEvent } from '../../../command-handling/src/envelope';
import { StoredEvent } from '../../../event-store/src';
import { Db } from '../database';
import { Projection } from '../projection';

/** Every agent's configuration, presence and capacity holds. */
export const agentsProjection: Projection = {
  name: 'agents',
  open(db: Db) {
    // last_assigned_position: when the agent last took on a conversation, for round-robin ties.
    db.exec(`CREATE TABLE IF NOT EXISTS agents (
      id TEXT PRIMARY KEY, presence TEXT NOT NULL, last_assigned_position INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL)`);
    const select = db.prepare('SELECT state, last_assigned_position AS lastAssigned FROM agents WHERE id = ?');
    const upsert = db.prepare(`INSERT INTO agents (id, presence, last_assigned_position, state) VALUES (?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET presence = excluded.presence, last_assigned_position = excluded.last_assigned_position,
        state = excluded.state`);
    return (stored: StoredEvent) => {
      if (!stored.type.startsWith('agent.')) return;
      const event = toDomainEvent(stored) as AgentEvent;
      const row = select.get(event.data.agentId) as { state: string; lastAssigned: number } | undefined;
      const after = evolveAgent(row ? (JSON.parse(row.state) as AgentState) : undefined, event);
      const assigned = event.type === 'agent.capacity_held' && event.data.reason === 'active';
      upsert.run(after.id, after.presence, assigned ? stored.position : (row?.lastAssigned ?? 0), JSON.stringify(after));
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
