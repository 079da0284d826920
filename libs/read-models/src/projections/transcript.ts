import { StoredEvent } from '#event-store';
import { Db } from '../database';
import { Projection } from '../projection';

/** The messages of each conversation, oldest first: for a persistent chat, its whole history. */
export const transcriptProjection: Projection = {
  name: 'transcript',
  open(db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS messages (
        position INTEGER PRIMARY KEY,
        conversation_id TEXT NOT NULL,
        sender TEXT NOT NULL,
        agent_id TEXT,
        text TEXT NOT NULL,
        at TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (conversation_id, position);
    `);
    const insert = db.prepare(
      'INSERT OR IGNORE INTO messages (position, conversation_id, sender, agent_id, text, at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const apply = (stored: StoredEvent) => {
      if (stored.type !== 'conversation.customer_message' && stored.type !== 'conversation.agent_message') return;
      const { conversationId, agentId, text } = stored.data as {
        conversationId: string;
        agentId?: string;
        text: string;
      };
      const at = stored.metadata.at as string;
      if (stored.type === 'conversation.customer_message')
        insert.run(stored.position, conversationId, 'customer', null, text, at);
      else insert.run(stored.position, conversationId, 'agent', agentId, text, at);
    };
    return { apply };
  },
};
