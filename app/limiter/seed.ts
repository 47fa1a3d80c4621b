/**
 * A pool's starting limits: the catalog's free-tier figures for free keys, the user's configured
 * limits for any key, and nothing for a paid key until its headers or a 429 say something.
 */
import type { ModelLimits } from '../catalog/model.ts';
import type { Provider } from '../catalog/schema.ts';
import type { ResetSchedule } from './tokenBucket.ts';
import {
  catalogModel,
  sharesAccountPool,
  type LimitSource,
  type LimitWindow,
  type LimiterTarget,
  type PoolState,
  type WindowState,
} from './state.ts';
import {
  createBucketWindow,
  createCounterWindow,
  createRollingDayWindow,
  shortWindowMs,
} from './windows.ts';

/** The catalog's limit figures the limiter turns into windows, and the window each becomes. */
const SEEDED: ReadonlyArray<[keyof ModelLimits, LimitWindow]> = [
  ['rpm', 'rpm'],
  ['rph', 'rph'],
  ['rpd', 'rpd'],
  ['tpm', 'tpm'],
  ['tph', 'tph'],
  ['tpd', 'tpd'],
];

const UTC_DAILY: ResetSchedule = { time: '00:00', timeZone: 'UTC', kind: 'daily' };

/**
 * When the provider's daily quotas reset: the catalog's daily time and zone (Gemini 00:00
 * America/Los_Angeles, OpenRouter 00:00 UTC); otherwise 00:00 UTC, a daily re-count that the
 * provider's own reset header corrects where it sends one (Groq).
 */
export function dailySchedule(provider: Provider): ResetSchedule {
  const reset = provider.freeTier?.reset;
  if (reset?.kind === 'daily' && reset.time !== undefined && reset.timeZone !== undefined) {
    return { time: reset.time, timeZone: reset.timeZone, kind: 'daily' };
  }
  return UTC_DAILY;
}

/** When a monthly quota resets: the catalog's time and zone if it names them, else 00:00 UTC. */
export function monthlySchedule(provider: Provider): ResetSchedule {
  const reset = provider.freeTier?.reset;
  return {
    time: reset?.time ?? '00:00',
    timeZone: reset?.timeZone ?? 'UTC',
    kind: 'monthly',
  };
}

/** A fresh window of `limit` for `window`, shaped by how the provider resets it. */
export function newWindow(
  provider: Provider,
  window: LimitWindow,
  limit: number,
  source: LimitSource,
  now: number,
): WindowState {
  const short = shortWindowMs(window);
  if (short !== undefined) return createBucketWindow(window, limit, short, source, now);
  if (window === 'tpmonth') {
    return createCounterWindow(window, limit, monthlySchedule(provider), source, now);
  }
  if (provider.freeTier?.reset.kind === 'rolling') {
    return createRollingDayWindow(window, limit, source, now);
  }
  return createCounterWindow(window, limit, dailySchedule(provider), source, now);
}

interface SeededLimit {
  limit: number;
  source: LimitSource;
}

/** The limits a pool starts from, by figure, with where each came from. */
function seededLimits(target: LimiterTarget): Partial<Record<keyof ModelLimits, SeededLimit>> {
  const out: Partial<Record<keyof ModelLimits, SeededLimit>> = {};
  const catalog = target.tier === 'free' ? catalogModel(target)?.limits : undefined;
  for (const [name, value] of Object.entries(catalog ?? {})) {
    if (typeof value === 'number')
      out[name as keyof ModelLimits] = { limit: value, source: 'catalog' };
  }
  for (const [name, value] of Object.entries(target.limits ?? {})) {
    if (typeof value === 'number')
      out[name as keyof ModelLimits] = { limit: value, source: 'config' };
  }
  return out;
}

/** A new pool for the target, full, with its seeded windows. */
export function seedPool(target: LimiterTarget, now: number): PoolState {
  const pool: PoolState = {
    provider: target.provider.id,
    keyId: target.keyId ?? '',
    model: sharesAccountPool(target) ? null : target.model,
    tier: target.tier,
    windows: [],
    inFlight: 0,
    inFlightTokens: 0,
  };
  return reseedPool(pool, target, now);
}

/**
 * The pool with its seeded windows brought in line with the target: windows whose limit came
 * from the catalog or config take the current figure (a new catalog, a changed tier or config),
 * seeded windows that no longer apply are dropped (a key that became paid), and windows learned
 * from headers are kept as they are. Counts already spent are kept.
 */
export function reseedPool(pool: PoolState, target: LimiterTarget, now: number): PoolState {
  const seeded = seededLimits(target);
  const windows: WindowState[] = [];
  const have = new Set<LimitWindow>();
  for (const w of pool.windows) {
    const figure = SEEDED.find(([, window]) => window === w.window)?.[0];
    const seed = figure === undefined ? undefined : seeded[figure];
    if (w.limitSource === 'headers') {
      windows.push(w);
    } else if (seed !== undefined) {
      windows.push(withLimit(w, seed));
    } else {
      continue;
    }
    have.add(w.window);
  }
  for (const [figure, window] of SEEDED) {
    const seed = seeded[figure];
    if (seed === undefined || have.has(window)) continue;
    windows.push(newWindow(target.provider, window, seed.limit, seed.source, now));
  }
  const concurrency = seeded.concurrency?.limit;
  // The same figures give the same pool, so reseeding at start or on a reload changes no state
  // and saves nothing (an unchanged restart never wakes the log's writing thread).
  if (
    pool.tier === target.tier &&
    pool.concurrency === concurrency &&
    windows.length === pool.windows.length &&
    windows.every((w, i) => w === pool.windows[i])
  )
    return pool;
  const next: PoolState = { ...pool, tier: target.tier, windows };
  if (concurrency === undefined) delete next.concurrency;
  else next.concurrency = concurrency;
  return next;
}

function withLimit(w: WindowState, seed: SeededLimit): WindowState {
  if (w.kind === 'counter') {
    if (w.counter.limit === seed.limit && w.limitSource === seed.source) return w;
    return { ...w, limitSource: seed.source, counter: { ...w.counter, limit: seed.limit } };
  }
  const { bucket } = w;
  if (bucket.capacity === seed.limit && w.limitSource === seed.source) return w;
  const refillPerMs = w.windowMs > 0 ? seed.limit / w.windowMs : bucket.refillPerMs;
  return {
    ...w,
    limitSource: seed.source,
    bucket: {
      ...bucket,
      capacity: seed.limit,
      refillPerMs,
      tokens: Math.min(bucket.tokens, seed.limit),
    },
  };
}
