import type { DatabaseSync } from 'node:sqlite';
import type { MetricsQuery } from '../../app/admin/contract.ts';
import type {
  MetricsPoint,
  MetricsResponse,
  MetricsSeries,
  MetricsStats,
} from '../../app/admin/types.ts';
import { encodedPercentiles, percentiles } from './histogram.ts';
import {
  addRow,
  ANY,
  emptyRollup,
  levelOf,
  MINUTE,
  QUARTER_HOUR,
  type Rollup,
  type RollupRow,
  type StoredRow,
} from './rollups.ts';

const RANGES = {
  '15m': { stepMs: MINUTE, points: 15 },
  '1h': { stepMs: MINUTE, points: 60 },
  '24h': { stepMs: QUARTER_HOUR, points: 96 },
} as const;

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
