/**
 * When a quota window runs out at the current pace: the rate is what the window lost over the
 * last 15 minutes (since its last refill, if that is more recent). Pure: samples and `now` are
 * passed in.
 */

/** The look-back the rate is measured over. */
export const FORECAST_LOOKBACK_MS = 15 * 60_000;

/** What a window had left at one instant. */
export type RemainingSample = { at: number; remaining: number };

/**
 * Epoch ms at which `remaining` reaches zero at the pace of `samples` (oldest first, the last one
 * being now's reading), or undefined when it will not run out before `resetAt` (or at all: no
 * use measured). A window whose figure rose was refilled; only samples after that count.
 */
export function runsOutAt(
  samples: readonly RemainingSample[],
  resetAt: number | undefined,
  now: number,
  lookbackMs: number = FORECAST_LOOKBACK_MS,
): number | undefined {
  const recent = samples.filter((s) => s.at >= now - lookbackMs && s.at <= now);
  let start = 0;
  for (let i = 1; i < recent.length; i++) {
    if ((recent[i] as RemainingSample).remaining > (recent[i - 1] as RemainingSample).remaining)
      start = i;
  }
  const first = recent[start];
  const last = recent.at(-1);
  if (first === undefined || last === undefined) return undefined;
  const spent = first.remaining - last.remaining;
  const elapsed = now - first.at;
  if (spent <= 0 || elapsed <= 0) return undefined;
  if (last.remaining <= 0) return undefined;
  const at = now + Math.ceil((last.remaining * elapsed) / spent);
  if (resetAt !== undefined && at >= resetAt) return undefined;
  return at;
}

/** Keeps a window's samples bounded to the look-back. */
export function pruneSamples(
  samples: readonly RemainingSample[],
  now: number,
  lookbackMs: number = FORECAST_LOOKBACK_MS,
): RemainingSample[] {
  return samples.filter((s) => s.at >= now - lookbackMs);
}
