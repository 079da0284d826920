import { StatusReason, streams } from '#domain';
import { StoredEvent } from '#event-store';
import { Db } from '../database';
import { Projection } from '../projection';
import { RowBatch } from '../row-batch';
import { AUDIT_SCHEMA } from './schema';
import { AuditEntry } from './view';

/**
 * Every event that concerns a conversation, from its own stream and from agents' streams (the capacity it held
 * and released), as references to the event store: a copy of every event was most of a replay's cost.
 */
export const auditProjection: Projection = {
  name: 'audit',
  // Every event that names a conversation: agents' capacity_held and capacity_released too.
  reads: ['conversation.*', 'agent.capacity_held', 'agent.capacity_released'],
  tables: { audit: 'position' },
  open(db: Db) {
    dropCopies(db);
    db.exec(AUDIT_SCHEMA);
    // One row per event it reads, most of a replay's writes: many rows a statement.
    const rows = new RowBatch(db, 'INSERT OR IGNORE INTO audit (position, conversation_id, stream_id, revision)', 4);
    const apply = (stored: StoredEvent) => {
      const conversationId = stored.data.conversationId;
      if (typeof conversationId !== 'string') return;
      if (stored.streamId === streams.conversation(conversationId))
        rows.add(stored.position, conversationId, null, null);
      else rows.add(stored.position, conversationId, stored.streamId, stored.revision);
    };
    return { apply, flush: () => rows.flush() };
  },
};

/**
 * A read-model file from before issue 23 holds a copy of every event (column `event`): that table is dropped and
 * its checkpoint forgotten, so the references are projected again from the start of the store.
 */
const dropCopies = (db: Db) => {
  const columns = db.prepare("SELECT name FROM pragma_table_info('audit')").pluck().all();
  if (!columns.includes('event')) return;
  db.exec('DROP TABLE audit');
  db.prepare("DELETE FROM checkpoints WHERE projection = 'audit'").run();
};

/** A stored event as its conversation's trail shows it: the event whole, with who caused it, when and why. */
export const auditEntry = (stored: StoredEvent): AuditEntry => {
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
    at: at as string,
    recordedAt: stored.recordedAt,
    ...(statusReason ? { statusReason: statusReason as StatusReason } : {}),
    schemaVersion,
  };
};
