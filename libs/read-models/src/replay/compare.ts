import { Db } from '../database';

/** Every read-model table and its key: what replay compares. Checkpoints are bookkeeping, not read models. */
const TABLES: Record<string, string> = {
  conversations: 'id',
  timers: 'conversation_id, kind',
  queue_waits: 'queue_id, position',
  agents: 'id',
  messages: 'position',
  audit: 'position',
  workstreams: 'id',
  queues: 'id',
  stat_conversations: 'id',
  stat_status_counts: 'status',
  stat_queue_waiting: 'queue_id',
  stat_answers: 'position',
  stat_abandons: 'position',
  stat_queue_minutes: 'queue_id, minute',
  stat_agents: 'agent_id',
};

export interface Difference {
  table: string;
  key: string;
  live?: unknown;
  rebuilt?: unknown;
}

/** Row-by-row comparison of two read-model databases; returns at most `limit` differences. */
export const compareReadModels = (live: Db, rebuilt: Db, limit = 20): Difference[] => {
  const differences: Difference[] = [];
  for (const [table, key] of Object.entries(TABLES)) {
    const rows = (db: Db) =>
      new Map(
        (db.prepare(`SELECT * FROM ${table} ORDER BY ${key}`).all() as Record<string, unknown>[]).map((row) => [
          key
            .split(', ')
            .map((k) => String(row[k]))
            .join('|'),
          JSON.stringify(row),
        ]),
      );
    const a = rows(live);
    const b = rows(rebuilt);
    for (const k of new Set([...a.keys(), ...b.keys()])) {
      if (a.get(k) === b.get(k)) continue;
      differences.push({ table, key: k, live: parse(a.get(k)), rebuilt: parse(b.get(k)) });
      if (differences.length >= limit) return differences;
    }
  }
  return differences;
};

const parse = (row: string | undefined) => (row === undefined ? undefined : JSON.parse(row));
