import Database from 'better-sqlite3';
import { ROWS_PER_INSERT, RowBatch } from './row-batch';

const table = () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
  return { db, rows: new RowBatch(db, 'INSERT OR IGNORE INTO t (id, name)', 2) };
};

it('writes full statements as rows come and the rest on flush', () => {
  const { db, rows } = table();
  const count = () => db.prepare('SELECT COUNT(*) FROM t').pluck().get();
  for (let i = 1; i <= ROWS_PER_INSERT + 3; i++) rows.add(i, `n${i}`);
  expect(count()).toBe(ROWS_PER_INSERT);
  rows.flush();
  expect(count()).toBe(ROWS_PER_INSERT + 3);
  rows.flush();
  expect(
    db
      .prepare('SELECT name FROM t WHERE id = ?')
      .pluck()
      .get(ROWS_PER_INSERT + 3),
  ).toBe(`n${ROWS_PER_INSERT + 3}`);
});

it('ignores each conflicting row on its own, within a statement and across statements, keeping the first', () => {
  const { db, rows } = table();
  rows.add(1, 'first');
  rows.add(1, 'again');
  rows.add(2, 'two');
  rows.flush();
  rows.add(2, 'later');
  rows.add(3, 'three');
  rows.flush();
  expect(db.prepare('SELECT id, name FROM t ORDER BY id').raw().all()).toEqual([
    [1, 'first'],
    [2, 'two'],
    [3, 'three'],
  ]);
});
