import { AgentEvent, AgentState, DomainEvent, evolveAgent } from '#domain';
import { StoredEvent } from '#event-store';
import { Db } from '../database';
import { Projection } from '../projection';
import { AGENTS_SCHEMA } from './schema';

/** Every agent's configuration, presence and capacity holds. */
export const agentsProjection: Projection = {
  name: 'agents',
  reads: ['agent.*'],
  tables: { agents: 'id' },
  open(db: Db) {
    db.exec(AGENTS_SCHEMA);
    const select = db.prepare('SELECT state, last_assigned_position AS lastAssigned FROM agents WHERE id = ?');
    const upsert = db.prepare(`INSERT INTO agents (id, presence, last_assigned_position, state) VALUES (?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET presence = excluded.presence, last_assigned_position = excluded.last_assigned_position,
        state = excluded.state`);
    const batch = new Map<string, { state: AgentState; lastAssigned: number }>();
    const load = (id: string) => {
      const row = select.get(id) as { state: string; lastAssigned: number } | undefined;
      return row && { state: JSON.parse(row.state) as AgentState, lastAssigned: row.lastAssigned };
    };
    return {
      apply(stored: StoredEvent, domainEvent: DomainEvent) {
        if (!stored.type.startsWith('agent.')) return;
        const event = domainEvent as AgentEvent;
        const row = batch.get(event.data.agentId) ?? load(event.data.agentId);
        const state = evolveAgent(row?.state, event);
        const assigned = event.type === 'agent.capacity_held' && event.data.reason === 'active';
        batch.set(state.id, { state, lastAssigned: assigned ? stored.position : (row?.lastAssigned ?? 0) });
      },
      flush() {
        for (const { state, lastAssigned } of batch.values())
          upsert.run(state.id, state.presence, lastAssigned, JSON.stringify(state));
        batch.clear();
      },
    };
  },
};
