import { StoredEvent } from '#event-store';
import { Db } from '../database';
import { Projection } from '../projection';
import { RowBatch } from '../row-batch';
import { TRANSCRIPT_SCHEMA } from './schema';

/** The messages of each conversation, oldest first: for a persistent chat, its whole history. */
export const transcriptProjection: Projection = {
  name: 'transcript',
  reads: ['conversation.customer_message', 'conversation.agent_message'],
  tables: { messages: 'position' },
  open(db: Db) {
    db.exec(TRANSCRIPT_SCHEMA);
    const rows = new RowBatch(
      db,
      'INSERT OR IGNORE INTO messages (position, conversation_id, sender, agent_id, text, at)',
      6,
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
        rows.add(stored.position, conversationId, 'customer', null, text, at);
      else rows.add(stored.position, conversationId, 'agent', agentId, text, at);
    };
    return { apply, flush: () => rows.flush() };
  },
};
