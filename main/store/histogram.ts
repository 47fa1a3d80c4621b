/**
 * Log-scale latency histograms: eight buckets per doubling, so a percentile read from merged
 * buckets is within about 4.4 % of the exact value. Bucket 0 holds everything under 1 ms; bucket
 * i ≥ 1 holds [2^((i-1)/8), 2^(i/8)) ms; the last one is open-ended (from about 17 minutes on).
 */
export const BUCKETS_PER_DOUBLING = 8;
export const HISTOGRAM_BUCKETS = 20 * BUCKETS_PER_DOUBLING + 2;

export function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0;
  const i = Math.floor(Math.log2(ms) * BUCKETS_PER_DOUBLING) + 1;
  return i >= HISTOGRAM_BUCKETS ? HISTOGRAM_BUCKETS - 1 : i;
}

/** The value a bucket stands for: the geometric middle of its bounds. */
export function bucketValue(index: number): number {
  if (index <= 0) return 0.5;
  return 2 ** ((index - 0.5) / BUCKETS_PER_DOUBLING);
}

export function newHistogram(): Float64Array {
  return new Float64Array(HISTOGRAM_BUCKETS);
}

/** Stored form: little-endian uint32 pairs (bucket, count) for the non-empty buckets only. */
export function encodeHistogram(counts: Float64Array): Uint8Array | null {
  let used = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i] !== 0) used++;
  if (used === 0) return null;
  const out = new Uint8Array(used * 8);
  const view = new DataView(out.buffer);
  let at = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] as number;
    if (n === 0) continue;
    view.setUint32(at, i, true);
    view.setUint32(at + 4, Math.min(n, 0xffffffff), true);
    at += 8;
  }
  return out;
}

/** Adds a stored histogram into `into`. */
export function mergeEncoded(into: Float64Array, blob: Uint8Array | null | undefined): void {
  if (!blob || blob.byteLength < 8) return;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let at = 0; at + 8 <= blob.byteLength; at += 8) {
    const index = view.getUint32(at, true);
    if (index < into.length) into[index] = (into[index] as number) + view.getUint32(at + 4, true);
  }
}

export function mergeInto(into: Float64Array, from: Float64Array): void {
  for (let i = 0; i < from.length; i++) {
    const n = from[i] as number;
    if (n !== 0) into[i] = (into[i] as number) + n;
  }
}

/** Percentiles (q in 0..1) of a histogram, rounded to 0.1 ms; null for each when it is empty. */
export function percentiles(counts: Float64Array, qs: readonly number[]): (number | null)[] {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i] as number;
  if (total === 0) return qs.map(() => null);
  return qs.map((q) => {
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i] as number;
      if (seen >= rank) return Math.round(bucketValue(i) * 10) / 10;
    }
    return Math.round(bucketValue(counts.length - 1) * 10) / 10;
  });
}

/** Percentiles of a histogram in its stored form, in one pass and without expanding it (the chart's hot path). */
export function encodedPercentiles(
  blob: Uint8Array | null | undefined,
  qs: readonly number[],
): (number | null)[] {
  const out: (number | null)[] = qs.map(() => null);
  if (!blob || blob.byteLength < 8) return out;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  let total = 0;
  for (let at = 4; at < blob.byteLength; at += 8) total += view.getUint32(at, true);
  if (total === 0) return out;
  // qs are ascending, so one walk up the buckets answers them in order.
  let q = 0;
  let rank = Math.max(1, Math.ceil((qs[0] as number) * total));
  let seen = 0;
  for (let at = 0; at + 8 <= blob.byteLength && q < qs.length; at += 8) {
    seen += view.getUint32(at + 4, true);
    while (q < qs.length && seen >= rank) {
      out[q] = Math.round(bucketValue(view.getUint32(at, true)) * 10) / 10;
      q++;
      if (q < qs.length) rank = Math.max(1, Math.ceil((qs[q] as number) * total));
    }
  }
  return out;
}
