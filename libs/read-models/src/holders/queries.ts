import { Db } from '../database';

/** What the HTTP guard asks: whether an agent holds or once held a conversation. */
export class HolderQueries {
  private readonly holder;

  constructor(db: Db) {
    this.holder = db.prepare('SELECT 1 FROM conversation_holders WHERE conversation_id = ? AND agent_id = ?');
  }

  heldBy(conversationId: string, agentId: string): boolean {
    return this.holder.get(conversationId, agentId) !== undefined;
  }
}
