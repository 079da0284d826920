/**
 * Where each event of a conversation's trail is, not a copy of it: the trail is read from the event store.
 * `stream_id` and `revision` are set for an event of another stream (an agent's capacity held or released);
 * the conversation's own events are read with its stream.
 */
export const AUDIT_SCHEMA = `
CREATE TABLE IF NOT EXISTS audit (
  position INTEGER PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  stream_id TEXT,
  revision INTEGER
);
CREATE INDEX IF NOT EXISTS audit_by_conversation ON audit (conversation_id, position);
`;
