/** How many recent waits the queue's estimate averages. */
export const WAIT_SAMPLE = 20;

/**
 * Conversations (current state, queue order), their deadlines (timers) and the recent waits per queue.
 * GET /conversations pages in rowid order; an index's entries end with the rowid, so each filter has its own.
 */
export const CONVERSATIONS_SCHEMA = `
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  workstream_id TEXT NOT NULL,
  queue_id TEXT NOT NULL,
  status_reason TEXT NOT NULL,
  push INTEGER NOT NULL,
  owner_agent_id TEXT,
  queued_position INTEGER,
  queued_at TEXT,
  state TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_by_queue ON conversations (queue_id, status_reason, queued_position);
CREATE INDEX IF NOT EXISTS conversations_by_status ON conversations (status_reason, push, queued_position);
CREATE INDEX IF NOT EXISTS conversations_by_agent ON conversations (owner_agent_id);
CREATE INDEX IF NOT EXISTS conversations_list_by_status ON conversations (status_reason);
CREATE INDEX IF NOT EXISTS conversations_list_by_queue ON conversations (queue_id);
CREATE INDEX IF NOT EXISTS conversations_list_by_queue_status ON conversations (queue_id, status_reason);
CREATE TABLE IF NOT EXISTS timers (
  conversation_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  due_at TEXT NOT NULL,
  PRIMARY KEY (conversation_id, kind)
);
CREATE INDEX IF NOT EXISTS timers_by_due ON timers (due_at);
CREATE TABLE IF NOT EXISTS queue_waits (
  queue_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  seconds REAL NOT NULL,
  PRIMARY KEY (queue_id, position)
);
`;

export const CONVERSATIONS_TABLES = {
  conversations: 'id',
  timers: 'conversation_id, kind',
  queue_waits: 'queue_id, position',
};
