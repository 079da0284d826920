import { AgentEvent, AgentState, DomainEvent, evolveAgent } from '#domain';
import { StoredEvent } from '#event-store';
import { Db } from '../database';
import { KeptRows } from '../kept-rows';
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
    type Row = { state: AgentState; lastAssigned: number };
    const batch = new Map<string, Row>();
    const kept = new KeptRows<Row>();
    const load = (id: string): Row | undefined => {
      const keptRow = kept.get(id);
      if (keptRow) return keptRow;
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
        for (const row of batch.values()) {
          upsert.run(row.state.id, row.state.presence, row.lastAssigned, JSON.stringify(row.state));
          kept.set(row.state.id, row);
        }
        batch.clear();
      },
    };
  },
};
