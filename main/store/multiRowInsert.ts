import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';

/** Rows per statement at most: 32 rows of the log's widest table bind 800 values. */
const MAX_ROWS = 32;

/**
 * Inserts many rows with few statements: one per 32 rows, then one per power of two of the rest
 * (so at most six statements are ever prepared). Each `run` of a prepared statement costs a call
 * into node:sqlite, a step and a reset whatever it binds: one per row was a quarter of the log
 * writer's time per request. Rows are added one at a time and sent 32 at a time; `end` sends the
 * rest. Call both inside the transaction that holds the rows.
 */
export class MultiRowInsert {
  readonly #db: DatabaseSync;
  readonly #head: string;
  readonly #columns: number;
  readonly #statements = new Map<number, StatementSync>();
  #buffer: SQLInputValue[] = [];
  #changes = 0;

  /** `head` is the statement up to VALUES, e.g. `INSERT INTO t (a, b)`; `columns` its column count. */
  constructor(db: DatabaseSync, head: string, columns: number) {
    this.#db = db;
    this.#head = head;
    this.#columns = columns;
  }

  /** One row's values, in the columns' order. */
  add(...values: SQLInputValue[]): void {
    this.#buffer.push(...values);
    if (this.#buffer.length >= MAX_ROWS * this.#columns) this.#send(MAX_ROWS);
  }

  /** Inserts the rows still held; returns how many rows changed since the last `end`. */
  end(): number {
    for (let rows = this.#buffer.length / this.#columns; rows > 0;) {
      const n = 2 ** Math.floor(Math.log2(rows));
      this.#send(n);
      rows -= n;
    }
    const changes = this.#changes;
    this.#changes = 0;
    return changes;
  }

  /** Forgets rows added but not sent (their transaction failed). */
  discard(): void {
    this.#buffer = [];
    this.#changes = 0;
  }

  #send(rows: number): void {
    const values = this.#buffer.splice(0, rows * this.#columns);
    this.#changes += Number(this.#statement(rows).run(...values).changes);
  }

  #statement(rows: number): StatementSync {
    let statement = this.#statements.get(rows);
    if (statement === undefined) {
      const row = `(${Array<string>(this.#columns).fill('?').join(', ')})`;
      statement = this.#db.prepare(
        `${this.#head} VALUES ${Array<string>(rows).fill(row).join(', ')}`,
      );
      this.#statements.set(rows, statement);
    }
    return statement;
  }
}
