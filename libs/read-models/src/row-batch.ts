import Database from 'better-sqlite3';
import { Db } from './database';

/** Rows per statement: one step of SQLite's VM per 64 rows instead of per row, well below its variable limit. */
export const ROWS_PER_INSERT = 64;

/**
 * Rows inserted into one table as multi-row INSERTs, `ROWS_PER_INSERT` at a time; `flush` writes the rest
 * (inside the projection's batch transaction). A statement is prepared once per number of rows. Each row is
 * inserted or ignored on its own, as with one statement per row; within a table the rows keep their order.
 */
export class RowBatch {
  private readonly statements = new Map<number, Database.Statement<unknown[]>>();
  private values: unknown[] = [];
  private rows = 0;

  /** `insert` up to VALUES (`INSERT OR IGNORE INTO t (a, b)`); every row has `columns` values. */
  constructor(
    private readonly db: Db,
    private readonly insert: string,
    private readonly columns: number,
  ) {}

  add(...row: unknown[]): void {
    for (const value of row) this.values.push(value);
    if (++this.rows === ROWS_PER_INSERT) this.flush();
  }

  flush(): void {
    if (this.rows === 0) return;
    this.statement(this.rows).run(this.values);
    this.values = [];
    this.rows = 0;
  }

  private statement(rows: number): Database.Statement<unknown[]> {
    let statement = this.statements.get(rows);
    if (!statement) {
      const row = `(${Array.from({ length: this.columns }, () => '?').join(', ')})`;
      statement = this.db.prepare<unknown[]>(
        `${this.insert} VALUES ${Array.from({ length: rows }, () => row).join(', ')}`,
      );
      this.statements.set(rows, statement);
    }
    return statement;
  }
}
