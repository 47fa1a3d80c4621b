import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { MetricsQuery } from '../../app/admin/contract.ts';
import type {
  AttemptRecord,
  MetricsPoint,
  MetricsResponse,
  MetricsSeries,
  MetricsStats,
} from '../../app/admin/types.ts';
import {
  bucketOf,
  encodedPercentiles,
  encodeHistogram,
  mergeEncoded,
  mergeInto,
  newHistogram,
  percentiles,
} from './histogram.ts';

/*
 * Charts read rollup rows, never the log: one row per (resolution, time bucket, provider, model,
 * key) with counts, sums and log-scale histograms, kept up to date in the same transaction that
 * writes the log rows. Minute rows serve the 15 min and 1 h charts; 15-minute rows the 24 h one,
 * so a day is 96 buckets per series however many requests it held. Beside each provider/model/key
 * row the writer keeps the same sums with the model, the key, or both folded into ANY, so a chart
 * per provider or per model reads one row per series and bucket, not one per combination.
 */
export const MINUTE = 60_000;
export const QUARTER_HOUR = 15 * MINUTE;
export const RESOLUTIONS = [MINUTE, QUARTER_HOUR] as const;
/** Minute rows are only read by the 15 min and 1 h charts; a day is plenty. */
export const MINUTE_ROWS_KEEP_MS = 86_400_000;
/** Stands for "all models" or "all keys" in a rollup row. */
export const ANY = '*';

/** Which dimensions a rollup row folds: +1 all models, +2 all keys. Leads the primary key, so a chart reads only its level. */
export function levelOf(model: string, keyId: string): number {
  return (model === ANY ? 1 : 0) + (keyId === ANY ? 2 : 0);
}

const RANGES = {
  '15m': { stepMs: MINUTE, points: 15 },
  '1h': { stepMs: MINUTE, points: 60 },
  '24h': { stepMs: QUARTER_HOUR, points: 96 },
} as const;

type Rollup = {
  count: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  cost: number;
  genTokens: number;
  genMs: number;
  latency: Float64Array;
  firstToken: Float64Array;
};

function emptyRollup(): Rollup {
  return {
    count: 0,
    errors: 0,
    tokensIn: 0,
    tokensOut: 0,
    cost: 0,
    genTokens: 0,
    genMs: 0,
    latency: newHistogram(),
    firstToken: newHistogram(),
  };
}

function addAttempt(into: Rollup, attempt: AttemptRecord, streamed: boolean): void {
  into.count++;
  if (attempt.outcome === 'failed' || attempt.outcome === 'failed-mid-stream') into.errors++;
  into.tokensIn += attempt.tokensIn ?? 0;
  into.tokensOut += attempt.tokensOut ?? 0;
  into.cost += attempt.costUsd ?? 0;
  if (attempt.outcome !== 'ok') return;
  if (attempt.totalMs !== null) {
    const b = bucketOf(attempt.totalMs);
    into.latency[b] = (into.latency[b] as number) + 1;
  }
  if (attempt.firstTokenMs !== null) {
    const b = bucketOf(attempt.firstTokenMs);
    into.firstToken[b] = (into.firstToken[b] as number) + 1;
    const genMs = (attempt.totalMs ?? 0) - attempt.firstTokenMs;
    if (streamed && (attempt.tokensOut ?? 0) > 0 && genMs > 0) {
      into.genTokens += attempt.tokensOut ?? 0;
      into.genMs += genMs;
    }
  }
}

function mergeRollup(into: Rollup, from: Rollup): void {
  into.count += from.count;
  into.errors += from.errors;
  into.tokensIn += from.tokensIn;
  into.tokensOut += from.tokensOut;
  into.cost += from.cost;
  into.genTokens += from.genTokens;
  into.genMs += from.genMs;
  mergeInto(into.latency, from.latency);
  mergeInto(into.firstToken, from.firstToken);
}

type RollupRow = {
  count: number;
  errors: number;
  tokens_in: number;
  tokens_out: number;
  cost: number;
  gen_tokens: number;
  gen_ms: number;
  latency: Uint8Array | null;
  first_token: Uint8Array | null;
};

type StoredRow = RollupRow & { bucket: number; provider: string; model: string; key_id: string };

function addRow(into: Rollup, row: RollupRow): void {
  into.count += row.count;
  into.errors += row.errors;
  into.tokensIn += row.tokens_in;
  into.tokensOut += row.tokens_out;
  into.cost += row.cost;
  into.genTokens += row.gen_tokens;
  into.genMs += row.gen_ms;
  mergeEncoded(into.latency, row.latency);
  mergeEncoded(into.firstToken, row.first_token);
}

const SEP = '\u0000';

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
    for (const { attempts, streamed } of batch) {
      for (const attempt of attempts) {
        if (attempt.outcome === 'skipped') continue;
        for (const res of RESOLUTIONS) {
          const bucket = attempt.startedAt - (attempt.startedAt % res);
          const id = [res, bucket, attempt.provider, attempt.model, attempt.keyId ?? ''].join(SEP);
          let acc = finest.get(id);
          if (!acc) finest.set(id, (acc = emptyRollup()));
          addAttempt(acc, attempt, streamed);
        }
        if (attempt.startedAt > this.#newest) this.#newest = attempt.startedAt;
      }
    }
    const touched = new Map<string, Rollup>();
    for (const [id, delta] of finest) {
      const [res, bucket, provider, model, keyId] = id.split(SEP) as [
        string,
        string,
        string,
        string,
        string,
      ];
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
      const [res, bucket, provider, model, keyId] = id.split(SEP) as [
        string,
        string,
        string,
        string,
        string,
      ];
      let row = this.#cache.get(id);
      if (!row) {
        row = emptyRollup();
        if (this.#mayBeStored(Number(res), Number(bucket))) {
          const stored = this.#select.get(
            Number(res),
            levelOf(model, keyId),
            Number(bucket),
            provider,
            model,
            keyId,
          ) as RollupRow | undefined;
          if (stored) addRow(row, stored);
        }
        this.#cache.set(id, row);
      }
      mergeRollup(row, delta);
      this.#upsert.run(
        Number(res),
        levelOf(model, keyId),
        Number(bucket),
        provider,
        model,
        keyId,
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

type Sums = Omit<Rollup, 'latency' | 'firstToken'>;

function statsOf(r: Sums, latency: (number | null)[], firstToken: (number | null)[]): MetricsStats {
  const [latencyP50 = null, latencyP95 = null, latencyP99 = null] = latency;
  const [firstTokenP50 = null, firstTokenP95 = null] = firstToken;
  return {
    count: r.count,
    errors: r.errors,
    latencyP50,
    latencyP95,
    latencyP99,
    firstTokenP50,
    firstTokenP95,
    tokensPerSecond: r.genMs > 0 ? Math.round((r.genTokens / r.genMs) * 10_000) / 10 : null,
    tokensIn: r.tokensIn,
    tokensOut: r.tokensOut,
    costUsd: Math.round(r.cost * 1e6) / 1e6,
  };
}

const LATENCY_QS = [0.5, 0.95, 0.99];
const FIRST_TOKEN_QS = [0.5, 0.95];

function stats(r: Rollup): MetricsStats {
  return statsOf(r, percentiles(r.latency, LATENCY_QS), percentiles(r.firstToken, FIRST_TOKEN_QS));
}

/** Stats straight from one stored row, its histograms read in their stored form. */
function rowStats(row: RollupRow): MetricsStats {
  return statsOf(
    {
      count: row.count,
      errors: row.errors,
      tokensIn: row.tokens_in,
      tokensOut: row.tokens_out,
      cost: row.cost,
      genTokens: row.gen_tokens,
      genMs: row.gen_ms,
    },
    encodedPercentiles(row.latency, LATENCY_QS),
    encodedPercentiles(row.first_token, FIRST_TOKEN_QS),
  );
}

/** The chart series for a range, from the rollup rows: one series per provider, model or key. */
export function queryMetrics(db: DatabaseSync, query: MetricsQuery, now: number): MetricsResponse {
  const { stepMs, points } = RANGES[query.range];
  const to = now - (now % stepMs) + stepMs;
  const from = to - points * stepMs;
  // A dimension that is neither grouped by nor filtered on is read folded (ANY).
  const foldModels = query.groupBy !== 'model' && query.model === undefined;
  const foldKeys = query.groupBy !== 'key' && query.key === undefined;
  const where = ['res = ?', 'level = ?', 'bucket >= ?', 'bucket < ?'];
  const params: (string | number)[] = [
    stepMs,
    levelOf(foldModels ? ANY : '', foldKeys ? ANY : ''),
    from,
    to,
  ];
  for (const [column, value] of [
    ['provider', query.provider],
    ['model', query.model],
    ['key_id', query.key],
  ] as const) {
    if (value !== undefined) {
      where.push(`${column} = ?`);
      params.push(value);
    }
  }
  const rows = db
    .prepare(
      `SELECT bucket, provider, model, key_id, count, errors, tokens_in, tokens_out, cost, gen_tokens, gen_ms, latency, first_token
         FROM rollups WHERE ${where.join(' AND ')}`,
    )
    .all(...params) as StoredRow[];

  // A point is usually exactly one row (the writer's folded rows match the grouping); only when
  // several rows share a point (keyless rows of several providers) are they merged.
  type Point = StoredRow | Rollup | undefined;
  const groups = new Map<string, { points: Point[]; total: Rollup }>();
  for (const row of rows) {
    const group =
      query.groupBy === 'provider'
        ? row.provider
        : query.groupBy === 'model'
          ? `${row.provider}/${row.model}`
          : row.key_id === ''
            ? '(no key)'
            : row.key_id;
    let series = groups.get(group);
    if (!series) {
      series = { points: new Array<Point>(points).fill(undefined), total: emptyRollup() };
      groups.set(group, series);
    }
    addRow(series.total, row);
    const at = Math.floor((row.bucket - from) / stepMs);
    const point = series.points[at];
    if (point === undefined) series.points[at] = row;
    else if ('bucket' in point) {
      const merged = emptyRollup();
      addRow(merged, point);
      addRow(merged, row);
      series.points[at] = merged;
    } else addRow(point, row);
  }

  const empty = stats(emptyRollup());
  const series: MetricsSeries[] = [...groups.entries()]
    .map(([group, { points: buckets, total }]) => {
      const out: MetricsPoint[] = buckets.map((point, i) => ({
        t: from + i * stepMs,
        ...(point === undefined ? empty : 'bucket' in point ? rowStats(point) : stats(point)),
      }));
      return { group, points: out, total: stats(total) };
    })
    .sort((a, b) => b.total.count - a.total.count || a.group.localeCompare(b.group));
  return { range: query.range, groupBy: query.groupBy, from, to, stepMs, series };
}
