export const AUDIT_SCHEMA = `
CREATE TABLE IF NOT EXISTS audit (
  position INTEGER PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  event TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_conversation ON audit (conversation_id, position);
`;
