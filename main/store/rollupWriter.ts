import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { AttemptRecord } from '../../app/admin/types.ts';
import { encodeHistogram } from './histogram.ts';
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

  constructor(db: DatabaseSync) {
    this.#select = db.prepare(
      'SELECT count, errors, tokens_in, tokens_out, cost, gen_tokens, gen_ms, latency, first_token FROM rollups WHERE res = ? AND level = ? AND bucket = ? AND provider = ? AND model = ? AND key_id = ?',
    );
    this.#maxBucket = db.prepare('SELECT max(bucket) AS bucket FROM rollups WHERE res = ?');
    this.#upsert = db.prepare(
      'INSERT OR REPLACE INTO rollups (res, level, bucket, provider, model, key_id, count, errors, tokens_in, tokens_out, cost, gen_tokens, gen_ms, latency, first_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** Call inside the transaction that writes the attempts. */
  write(batch: Iterable<{ attempts: readonly AttemptRecord[]; streamed: boolean }>): void {
    const finest = new Map<string, Rollup>();
    // Consecutive attempts mostly share a target and a bucket: the row the last one went to is
    // taken again without building its id and looking it up (four fifths of this loop's time).
    let last: AttemptRecord | undefined;
    const lastBucket: number[] = [];
    const lastRow: (Rollup | undefined)[] = [];
    for (const { attempts, streamed } of batch) {
      for (const attempt of attempts) {
        if (attempt.outcome === 'skipped') continue;
        if (
          last === undefined ||
          attempt.provider !== last.provider ||
          attempt.model !== last.model ||
          attempt.keyId !== last.keyId
        )
          lastRow.length = 0;
        last = attempt;
        RESOLUTIONS.forEach((res, r) => {
          const bucket = attempt.startedAt - (attempt.startedAt % res);
          let acc = lastBucket[r] === bucket ? lastRow[r] : undefined;
          if (!acc) {
            const id = [res, bucket, attempt.provider, attempt.model, attempt.keyId ?? ''].join(
              SEP,
            );
            acc = finest.get(id);
            if (!acc) finest.set(id, (acc = emptyRollup()));
            lastBucket[r] = bucket;
            lastRow[r] = acc;
          }
          addAttempt(acc, attempt, streamed);
        });
        if (attempt.startedAt > this.#newest) this.#newest = attempt.startedAt;
      }
    }
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

  /** Forgets cached rows; the next write of them reads them back (after a rollback, or pruning). */
  reset(): void {
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
    outcome: AttemptRecord['outcome'];
    total_ms: number | null;
    first_token_ms: number | null;
    tokens_in: number | null;
    tokens_out: number | null;
    cost: number | null;
    streamed: number;
  }>;
  let batch: { attempts: AttemptRecord[]; streamed: boolean }[] = [];
  for (const row of rows) {
    batch.push({
      streamed: row.streamed === 1,
      attempts: [
        {
          index: 0,
          startedAt: row.started_at,
          provider: row.provider,
          model: row.model,
          keyId: row.key_id,
          status: 0,
          outcome: row.outcome,
          failureClass: null,
          reason: null,
          headersMs: null,
          firstTokenMs: row.first_token_ms,
          totalMs: row.total_ms,
          tokensIn: row.tokens_in,
          tokensOut: row.tokens_out,
          costUsd: row.cost,
          hedged: false,
          holdUntil: null,
        },
      ],
    });
    if (batch.length >= 5000) {
      writer.write(batch);
      batch = [];
    }
  }
  writer.write(batch);
}
