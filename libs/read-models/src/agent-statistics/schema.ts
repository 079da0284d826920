export const AGENT_STATISTICS_SCHEMA = `
CREATE TABLE IF NOT EXISTS stat_agents (agent_id TEXT PRIMARY KEY, presence TEXT NOT NULL, since TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS stat_agents_by_presence ON stat_agents (presence, agent_id);
`;
