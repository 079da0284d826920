import { StoredEvent } from '#event-store';
import { Db } from '../database';
import { Projection } from '../projection';

/**
 * Every event that concerns a conversation, from its own stream and from agents' streams
 * (the capacity it held and released), with who caused it, when and why.
 */
export const auditProjection: Projection = {
  name: 'audit',
  open(db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS audit (
        position INTEGER PRIMARY KEY,
        conversation_id TEXT NOT NULL,
        event TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS audit_by_conversation ON audit (conversation_id, position);
    `);
    const insert = db.prepare('INSERT OR IGNORE INTO audit (position, conversation_id, event) VALUES (?, ?, ?)');
    const apply = (stored: StoredEvent) => {
      const conversationId = stored.data.conversationId;
      if (typeof conversationId !== 'string') return;
      insert.run(stored.position, conversationId, JSON.stringify(auditEntry(stored)));
    };
    return { apply };
  },
};

export const auditEntry = (stored: StoredEvent) => {
  const { actor, causationId, occurredAt, at, statusReason, schemaVersion } = stored.metadata;
  return {
    position: stored.position,
    eventId: stored.eventId,
    streamId: stored.streamId,
    revision: stored.revision,
    type: stored.type,
    data: stored.data,
    actor,
    ...(causationId ? { causationId } : {}),
    occurredAt,
    at,
    recordedAt: stored.recordedAt,
    ...(statusReason ? { statusReason } : {}),
    schemaVersion,
  };
};
