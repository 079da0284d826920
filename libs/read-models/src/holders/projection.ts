import { ConversationEvent, DomainEvent } from '#domain';
import { StoredEvent } from '#event-store';
import { Db } from '../database';
import { Projection } from '../projection';
import { HOLDERS_SCHEMA } from './schema';
import { ConversationHolder } from './view';

/** The events by which an agent comes to hold a conversation (T1, T2, T16, X2). */
const TAKEN: readonly ConversationEvent['type'][] = [
  'conversation.picked',
  'conversation.assigned',
  'conversation.resumed',
  'conversation.transferred_to_agent',
];
const TAKEN_TYPES: ReadonlySet<string> = new Set(TAKEN);

/** The agent who takes the conversation by this event, if it is one of TAKEN. */
const taker = (event: ConversationEvent): ConversationHolder | undefined => {
  switch (event.type) {
    case 'conversation.picked':
    case 'conversation.assigned':
    case 'conversation.resumed':
      return { conversationId: event.data.conversationId, agentId: event.data.agentId };
    case 'conversation.transferred_to_agent':
      return { conversationId: event.data.conversationId, agentId: event.data.toAgentId };
    default:
      return undefined;
  }
};

/** Every agent who holds or once held each conversation: what authorises an agent to read it. */
export const holdersProjection: Projection = {
  name: 'holders',
  reads: TAKEN,
  tables: { conversation_holders: 'conversation_id, agent_id' },
  open(db: Db) {
    db.exec(HOLDERS_SCHEMA);
    const insert = db.prepare('INSERT OR IGNORE INTO conversation_holders (conversation_id, agent_id) VALUES (?, ?)');
    const apply = (stored: StoredEvent, event: DomainEvent) => {
      if (!TAKEN_TYPES.has(stored.type)) return;
      const holder = taker(event as ConversationEvent);
      if (holder) insert.run(holder.conversationId, holder.agentId);
    };
    return { apply };
  },
};
