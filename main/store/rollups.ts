import { bucketOf, mergeEncoded, mergeInto, newHistogram } from './histogram.ts';
import { ATTEMPT, type AttemptRow } from './logRows.ts';

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

export type Rollup = {
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

export function emptyRollup(): Rollup {
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

export function addAttempt(into: Rollup, attempt: AttemptRow, streamed: boolean): void {
  const outcome = attempt[ATTEMPT.outcome];
  const totalMs = attempt[ATTEMPT.totalMs];
  const firstTokenMs = attempt[ATTEMPT.firstTokenMs];
  const tokensOut = attempt[ATTEMPT.tokensOut] ?? 0;
  into.count++;
  if (outcome === 'failed' || outcome === 'failed-mid-stream') into.errors++;
  into.tokensIn += attempt[ATTEMPT.tokensIn] ?? 0;
  into.tokensOut += tokensOut;
  into.cost += attempt[ATTEMPT.cost] ?? 0;
  if (outcome !== 'ok') return;
  if (totalMs !== null) {
    const b = bucketOf(totalMs);
    into.latency[b] = (into.latency[b] as number) + 1;
  }
  if (firstTokenMs !== null) {
    const b = bucketOf(firstTokenMs);
    into.firstToken[b] = (into.firstToken[b] as number) + 1;
    const genMs = (totalMs ?? 0) - firstTokenMs;
    if (streamed && tokensOut > 0 && genMs > 0) {
      into.genTokens += tokensOut;
      into.genMs += genMs;
    }
  }
}

export function mergeRollup(into: Rollup, from: Rollup): void {
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

export type RollupRow = {
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

export type StoredRow = RollupRow & {
  bucket: number;
  provider: string;
  model: string;
  key_id: string;
};

export function addRow(into: Rollup, row: RollupRow): void {
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
