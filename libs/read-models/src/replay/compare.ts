import { Db } from '../database';
import { allProjections } from '../read-models';

/** Every read-model table and its key, as the projections declare them: what replay compares. */
const TABLES: [table: string, key: string][] = allProjections.flatMap((p) => Object.entries(p.tables));

export interface Difference {
  table: string;
  key: string;
  live?: unknown;
  rebuilt?: unknown;
}

/** Row-by-row comparison of two read-model databases; returns at most `limit` differences. */
export const compareReadModels = (live: Db, rebuilt: Db, limit = 20): Difference[] => {
  const differences: Difference[] = [];
  for (const [table, key] of TABLES) {
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
