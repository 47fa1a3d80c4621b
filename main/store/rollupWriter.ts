import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { encodeHistogram } from './histogram.ts';
import { ATTEMPT, type AttemptRow } from './logRows.ts';
import {
  addAttempt,
  addRow,
  ANY,
  emptyRollup,
  levelOf,
  mergeRollup,
  RESOLUTIONS,
  type Rollup,
  type RollupRow,
} from './rollups.ts';

const SEP = '\u0000';

/** A row id's parts: resolution, bucket, provider, model, key (as joined with SEP). */
function splitId(id: string): [string, string, string, string, string] {
  return id.split(SEP) as [string, string, string, string, string];
}

/** A row id as the table's key columns, in the order both statements bind them. */
function keyColumns(id: string): [number, number, number, string, string, string] {
  const [res, bucket, provider, model, keyId] = splitId(id);
  return [Number(res), levelOf(model, keyId), Number(bucket), provider, model, keyId];
}

/**
 * Keeps the rollup rows current as log rows are written. The newest buckets stay in memory, so
 * a flush writes each touched row once without reading it back.
 */
export class RollupWriter {
  readonly #select: StatementSync;
  readonly #upsert: StatementSync;
  readonly #maxBucket: StatementSync;
  readonly #cache = new Map<string, Rollup>();
  readonly #stored = new Map<number, number>();
  readonly #evicted = new Map<number, number>();
  #newest = 0;
  /** What `add` counted since the last `write`, by finest row id. */
  #finest = new Map<string, Rollup>();
  // Consecutive attempts mostly share a target and a bucket: the row the last one went to is
  // taken again without building its id and looking it up (four fifths of `add`'s time).
  #last: AttemptRow | undefined;
  readonly #lastBucket: number[] = [];
  readonly #lastRow: (Rollup | undefined)[] = [];

  constructor(db: DatabaseSync) {
    this.#select = db.prepare(
      'SELECT count, errors, tokens_in, tokens_out, cost, gen_tokens, gen_ms, latency, first_token FROM rollups WHERE res = ? AND level = ? AND bucket = ? AND provider = ? AND model = ? AND key_id = ?',
    );
    this.#maxBucket = db.prepare('SELECT max(bucket) AS bucket FROM rollups WHERE res = ?');
    this.#upsert = db.prepare(
      'INSERT OR REPLACE INTO rollups (res, level, bucket, provider, model, key_id, count, errors, tokens_in, tokens_out, cost, gen_tokens, gen_ms, latency, first_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** Counts an attempt (unless it was skipped, never tried) into the rows the next `write` writes. */
  add(attempt: AttemptRow, streamed: boolean): void {
    if (attempt[ATTEMPT.outcome] === 'skipped') return;
    const startedAt = attempt[ATTEMPT.startedAt];
    const last = this.#last;
    if (
      last === undefined ||
      attempt[ATTEMPT.provider] !== last[ATTEMPT.provider] ||
      attempt[ATTEMPT.model] !== last[ATTEMPT.model] ||
      attempt[ATTEMPT.keyId] !== last[ATTEMPT.keyId]
    )
      this.#lastRow.length = 0;
    this.#last = attempt;
    for (let r = 0; r < RESOLUTIONS.length; r++) {
      const res = RESOLUTIONS[r]!;
      const bucket = startedAt - (startedAt % res);
      let acc = this.#lastBucket[r] === bucket ? this.#lastRow[r] : undefined;
      if (!acc) {
        const id = [
          res,
          bucket,
          attempt[ATTEMPT.provider],
          attempt[ATTEMPT.model],
          attempt[ATTEMPT.keyId] ?? '',
        ].join(SEP);
        acc = this.#finest.get(id);
        if (!acc) this.#finest.set(id, (acc = emptyRollup()));
        this.#lastBucket[r] = bucket;
        this.#lastRow[r] = acc;
      }
      addAttempt(acc, attempt, streamed);
    }
    if (startedAt > this.#newest) this.#newest = startedAt;
  }

  /** Writes the rollup rows touched by `add` since the last `write`; call inside its transaction. */
  write(): void {
    const finest = this.#finest;
    this.#forgetAdded();
    const touched = new Map<string, Rollup>();
    for (const [id, delta] of finest) {
      const [res, bucket, provider, model, keyId] = splitId(id);
      for (const [m, k] of [
        [model, keyId],
        [model, ANY],
        [ANY, keyId],
        [ANY, ANY],
      ]) {
        const levelId = [res, bucket, provider, m, k].join(SEP);
        let acc = touched.get(levelId);
        if (!acc) touched.set(levelId, (acc = emptyRollup()));
        mergeRollup(acc, delta);
      }
    }
    for (const [id, delta] of touched) {
      const key = keyColumns(id);
      const [res, , bucket] = key;
      let row = this.#cache.get(id);
      if (!row) {
        row = emptyRollup();
        if (this.#mayBeStored(res, bucket)) {
          const stored = this.#select.get(...key) as RollupRow | undefined;
          if (stored) addRow(row, stored);
        }
        this.#cache.set(id, row);
      }
      mergeRollup(row, delta);
      this.#upsert.run(
        ...key,
        row.count,
        row.errors,
        row.tokensIn,
        row.tokensOut,
        row.cost,
        row.genTokens,
        row.genMs,
        encodeHistogram(row.latency),
        encodeHistogram(row.firstToken),
      );
    }
    this.#evict();
  }

  /**
   * Forgets cached rows, and what was added and not written; the next write of them reads them
   * back (after a rollback, or pruning).
   */
  reset(): void {
    this.#forgetAdded();
    this.#cache.clear();
    this.#stored.clear();
    this.#evicted.clear();
  }

  /**
   * Whether a row not in the cache may be on disk: it may if its bucket is no later than the
   * newest one stored before this writer started, or than one it has dropped from its cache.
   * Otherwise the row is new, and reading it back would only cost a query.
   */
  #mayBeStored(res: number, bucket: number): boolean {
    let until = this.#stored.get(res);
    if (until === undefined) {
      const row = this.#maxBucket.get(res) as { bucket: number | null } | undefined;
      until = row?.bucket ?? -1;
      this.#stored.set(res, until);
    }
    return bucket <= until || bucket <= (this.#evicted.get(res) ?? -1);
  }

  #forgetAdded(): void {
    this.#finest = new Map();
    this.#last = undefined;
    this.#lastRow.length = 0;
  }

  #evict(): void {
    for (const id of this.#cache.keys()) {
      const [res, bucket] = id.split(SEP, 2).map(Number) as [number, number];
      if (bucket >= this.#newest - 2 * res) continue;
      this.#cache.delete(id);
      if (bucket > (this.#evicted.get(res) ?? -1)) this.#evicted.set(res, bucket);
    }
  }
}

/** Recomputes every rollup row from the attempts in the log (a schema migration's backfill). */
export function rebuildRollups(db: DatabaseSync): void {
  db.exec('DELETE FROM rollups');
  const writer = new RollupWriter(db);
  const rows = db
    .prepare(
      `SELECT a.started_at, a.provider, a.model, a.key_id, a.outcome, a.total_ms, a.first_token_ms,
              a.tokens_in, a.tokens_out, a.cost, r.streamed
         FROM attempts a JOIN requests r ON r.id = a.request`,
    )
    .iterate() as Iterable<{
    started_at: number;
    provider: string;
    model: string;
    key_id: string | null;
    outcome: AttemptRow[6];
    total_ms: number | null;
    first_token_ms: number | null;
    tokens_in: number | null;
    tokens_out: number | null;
    cost: number | null;
    streamed: number;
  }>;
  let added = 0;
  for (const row of rows) {
    writer.add(
      [
        0,
        row.started_at,
        row.provider,
        row.model,
        row.key_id,
        0,
        row.outcome,
        null,
        null,
        null,
        row.first_token_ms,
        row.total_ms,
        row.tokens_in,
        row.tokens_out,
        row.cost,
        0,
        null,
      ],
      row.streamed === 1,
    );
    if (++added % 5000 === 0) writer.write();
  }
  writer.write();
}
