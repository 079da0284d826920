import { AgentState } from '#domain';
import { Db } from '../database';
import { capacityView } from './view';

/** What HTTP readers ask of the agents: one agent's configuration and capacity. */
export class AgentQueries {
  private readonly agentRow;

  constructor(db: Db) {
    this.agentRow = db.prepare('SELECT state FROM agents WHERE id = ?');
  }

  agent(id: string): AgentState | undefined {
    const row = this.agentRow.get(id) as { state: string } | undefined;
    return row && (JSON.parse(row.state) as AgentState);
  }

  capacity(agentId: string) {
    const agent = this.agent(agentId);
    return agent && capacityView(agent);
  }
}
