/** One row per agent who ever took a conversation: a row is never removed (an agent may read what it held). */
export const HOLDERS_SCHEMA = `
CREATE TABLE IF NOT EXISTS conversation_holders (
  conversation_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  PRIMARY KEY (conversation_id, agent_id)
) WITHOUT ROWID;
`;
