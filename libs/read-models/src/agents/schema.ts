/** last_assigned_position: when the agent last took on a conversation, for round-robin ties. */
export const AGENTS_SCHEMA = `CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY, presence TEXT NOT NULL, last_assigned_position INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL)`;
