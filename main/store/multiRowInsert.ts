import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';

/** Rows per statement at most: 32 rows of the log's widest table bind 800 values. */
export const ROWS_PER_STATEMENT = 32;

/** A statement of `rows` rows and the array its values are bound from, filled in place. */
type Sized = { statement: StatementSync; values: SQLInputValue[] };

/**
 * Inserts many rows with few statements: one per 32 rows, then one per power of two of the rest
 * (so at most six statements are ever prepared). Each `run` of a prepared statement costs a call
 * into node:sqlite, a step and a reset whatever it binds: one per row was a quarter of the log
 * writer's time per request. Rows are added one at a time into the 32-row statement's own values
 * (no array grows, is spliced or copied per row) and sent 32 at a time; `end` sends the rest.
 * Call both inside the transaction that holds the rows.
 */
export class MultiRowInsert {
  readonly #db: DatabaseSync;
  readonly #head: string;
  readonly #columns: number;
  readonly #sized = new Map<number, Sized>();
  readonly #full: Sized;
  /** Rows in `#full.values` not sent yet. */
  #rows = 0;
  #changes = 0;

  /** `head` is the statement up to VALUES, e.g. `INSERT INTO t (a, b)`; `columns` its column count. */
  constructor(db: DatabaseSync, head: string, columns: number) {
    this.#db = db;
    this.#head = head;
    this.#columns = columns;
    this.#full = this.#sizedFor(ROWS_PER_STATEMENT);
  }

  /** One row's values: `first`, then `rest`, in the columns' order. */
  add(first: SQLInputValue, rest: readonly SQLInputValue[]): void {
    const values = this.#full.values;
    let at = this.#rows * this.#columns;
    values[at++] = first;
    for (let i = 0; i < rest.length; i++) values[at++] = rest[i]!;
    if (++this.#rows === ROWS_PER_STATEMENT) {
      this.#changes += Number(this.#full.statement.run(...values).changes);
      this.#rows = 0;
    }
  }

  /** Inserts the rows still held; returns how many rows changed since the last `end`. */
  end(): number {
    const held = this.#full.values;
    let from = 0;
    for (let rows = this.#rows; rows > 0;) {
      const n = 2 ** Math.floor(Math.log2(rows));
      const sized = this.#sizedFor(n);
      const count = n * this.#columns;
      for (let i = 0; i < count; i++) sized.values[i] = held[from + i]!;
      this.#changes += Number(sized.statement.run(...sized.values).changes);
      from += count;
      rows -= n;
    }
    this.#rows = 0;
    const changes = this.#changes;
    this.#changes = 0;
    return changes;
  }

  /** Forgets rows added but not sent (their transaction failed). */
  discard(): void {
    this.#rows = 0;
    this.#changes = 0;
  }

  #sizedFor(rows: number): Sized {
    let sized = this.#sized.get(rows);
    if (sized === undefined) {
      const row = `(${Array<string>(this.#columns).fill('?').join(', ')})`;
      sized = {
        statement: this.#db.prepare(
          `${this.#head} VALUES ${Array<string>(rows).fill(row).join(', ')}`,
        ),
        values: Array<SQLInputValue>(rows * this.#columns).fill(null),
      };
      this.#sized.set(rows, sized);
    }
    return sized;
  }
}
