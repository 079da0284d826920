import { StatusReason } from '#domain';
import { StoredEvent } from '#event-store';
import { Db } from '../database';
import { Projection } from '../projection';
import { AUDIT_SCHEMA } from './schema';
import { AuditEntry } from './view';

/**
 * Every event that concerns a conversation, from its own stream and from agents' streams
 * (the capacity it held and released), with who caused it, when and why.
 */
export const auditProjection: Projection = {
  name: 'audit',
  // Every event that names a conversation: agents' capacity_held and capacity_released too.
  reads: ['conversation.*', 'agent.capacity_held', 'agent.capacity_released'],
  tables: { audit: 'position' },
  open(db: Db) {
    db.exec(AUDIT_SCHEMA);
    const insert = db.prepare('INSERT OR IGNORE INTO audit (position, conversation_id, event) VALUES (?, ?, ?)');
    const apply = (stored: StoredEvent) => {
      const conversationId = stored.data.conversationId;
      if (typeof conversationId !== 'string') return;
      insert.run(stored.position, conversationId, auditJson(stored));
    };
    return { apply };
  },
};

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

/**
 * `JSON.stringify(auditEntry(stored))` (same text, same key order), with the event's data spliced in as the
 * store's own JSON text when it has it: serialising every event again was the audit's main cost in a replay.
 */
export const auditJson = (stored: StoredEvent): string => {
  const rawData = stored.rawData;
  if (rawData === undefined) return JSON.stringify(auditEntry(stored));
  const { actor, causationId, occurredAt, at, statusReason, schemaVersion } = stored.metadata;
  return (
    `{"position":${JSON.stringify(stored.position)},"eventId":${JSON.stringify(stored.eventId)}` +
    `,"streamId":${JSON.stringify(stored.streamId)},"revision":${JSON.stringify(stored.revision)}` +
    `,"type":${JSON.stringify(stored.type)},"data":${rawData}${field('actor', actor)}` +
    `${causationId ? field('causationId', causationId) : ''}${field('occurredAt', occurredAt)}${field('at', at)}` +
    `${field('recordedAt', stored.recordedAt)}${statusReason ? field('statusReason', statusReason) : ''}` +
    `${field('schemaVersion', schemaVersion)}}`
  );
};

/** `,"name":value` as JSON.stringify writes a property, nothing for an undefined one (which it leaves out). */
const field = (name: string, value: unknown): string => {
  const json = JSON.stringify(value);
  return json === undefined ? '' : `,"${name}":${json}`;
};
