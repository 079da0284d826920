export const QUEUE_STATISTICS_SCHEMA = `
CREATE TABLE IF NOT EXISTS stat_conversations (
  id TEXT PRIMARY KEY,
  queue_id TEXT NOT NULL,
  status TEXT NOT NULL,
  accepted INTEGER NOT NULL,
  threshold_seconds REAL NOT NULL,
  queued_at TEXT
);
CREATE INDEX IF NOT EXISTS stat_conversations_waiting
  ON stat_conversations (queue_id, queued_at) WHERE queued_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS stat_conversations_by_status ON stat_conversations (status);
CREATE TABLE IF NOT EXISTS stat_status_counts (status TEXT PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS stat_queue_waiting (queue_id TEXT PRIMARY KEY, waiting INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS stat_answers (
  position INTEGER PRIMARY KEY,
  queue_id TEXT NOT NULL,
  at TEXT NOT NULL,
  wait_seconds REAL NOT NULL,
  within_threshold INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS stat_answers_by_time ON stat_answers (at);
CREATE TABLE IF NOT EXISTS stat_abandons (
  position INTEGER PRIMARY KEY,
  queue_id TEXT NOT NULL,
  at TEXT NOT NULL,
  from_queue INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS stat_abandons_by_time ON stat_abandons (at);
CREATE TABLE IF NOT EXISTS stat_queue_minutes (
  queue_id TEXT NOT NULL,
  minute TEXT NOT NULL,
  waiting_change INTEGER NOT NULL DEFAULT 0,
  assigned INTEGER NOT NULL DEFAULT 0,
  assigned_within INTEGER NOT NULL DEFAULT 0,
  abandoned_waiting INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (queue_id, minute)
);
CREATE INDEX IF NOT EXISTS stat_queue_minutes_by_minute ON stat_queue_minutes (minute);
`;

export const QUEUE_STATISTICS_TABLES = {
  stat_conversations: 'id',
  stat_status_counts: 'status',
  stat_queue_waiting: 'queue_id',
  stat_answers: 'position',
  stat_abandons: 'position',
  stat_queue_minutes: 'queue_id, minute',
};
