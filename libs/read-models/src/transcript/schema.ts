export const TRANSCRIPT_SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  position INTEGER PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  agent_id TEXT,
  text TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (conversation_id, position);
`;
