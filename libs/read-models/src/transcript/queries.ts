import { Db } from '../database';
import { TranscriptMessage } from './view';

/** What HTTP readers ask of the transcripts: a conversation's messages, oldest first. */
export class TranscriptQueries {
  private readonly messages;

  constructor(db: Db) {
    this.messages = db.prepare(
      'SELECT position, sender, agent_id AS agentId, text, at FROM messages WHERE conversation_id = ? ORDER BY position',
    );
  }

  transcript(conversationId: string): TranscriptMessage[] {
    return this.messages.all(conversationId) as TranscriptMessage[];
  }
}
