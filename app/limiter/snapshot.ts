/**
 * The limiter's state as plain JSON for the store, and back. Counts, learned limits, cooldowns
 * and parks survive a restart, so a daily quota spent before it stays spent after it. Requests
 * in flight do not survive (none are after a restart), and neither do invalid-key marks: a
 * restart re-tries a rejected key once, which is how a key fixed outside the app comes back.
 */
import { z } from 'zod';
import { isValidTimeZone } from '../ratelimit/resetTime.ts';
import { RATE_WINDOWS } from '../ratelimit/headers.ts';
import type { LimiterState, PoolState } from './state.ts';

/** The snapshot format's version; restore ignores snapshots of any other. */
export const LIMITER_SNAPSHOT_VERSION = 1;

/** What the store saves: JSON-serializable, no secrets (key ids only). */
export interface LimiterSnapshot {
  version: typeof LIMITER_SNAPSHOT_VERSION;
  savedAt: number;
  pools: Record<string, PoolState>;
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const count = finite.refine((n) => n >= 0, 'must not be negative');
const WINDOW = z.enum([...RATE_WINDOWS, 'tph']);
const SOURCE = z.enum(['catalog', 'config', 'headers']);
const HOLD = z.strictObject({ until: finite, reason: z.string().max(2000) });

const BucketSchema = z.strictObject({
  capacity: count,
  tokens: finite,
  refillPerMs: count,
  updatedAt: finite,
  heldUntil: finite.optional(),
});

const CounterSchema = z.strictObject({
  limit: count,
  used: count,
  resetAt: finite,
  schedule: z.strictObject({
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    timeZone: z.string().refine(isValidTimeZone, 'unknown time zone'),
    kind: z.enum(['daily', 'monthly']),
  }),
});

const WindowSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('bucket'),
    window: WINDOW,
    windowMs: count,
    bucket: BucketSchema,
    log: z
      .array(z.tuple([finite, count]))
      .max(100_000)
      .optional(),
    limitSource: SOURCE,
    observedAt: finite.optional(),
  }),
  z.strictObject({
    kind: z.literal('counter'),
    window: WINDOW,
    counter: CounterSchema,
    limitSource: SOURCE,
    observedAt: finite.optional(),
  }),
]);

const PoolSchema = z.strictObject({
  provider: z.string().min(1),
  keyId: z.string(),
  model: z.string().nullable(),
  tier: z.enum(['free', 'paid']),
  windows: z.array(WindowSchema),
  concurrency: count.optional(),
  inFlight: count,
  inFlightTokens: count,
  cooling: HOLD.optional(),
  parked: HOLD.optional(),
});

/** The state as a snapshot: in-flight counts zeroed, ended cooldowns and parks left out. */
export function snapshot(state: LimiterState, now: number): LimiterSnapshot {
  const pools: Record<string, PoolState> = {};
  for (const [id, pool] of Object.entries(state.pools)) {
    // A breaker is about the last seconds: after a restart the target gets a fresh chance.
    const { cooling, parked, breaker: _breaker, ...rest } = pool;
    const saved: PoolState = { ...rest, inFlight: 0, inFlightTokens: 0 };
    if (cooling !== undefined && cooling.until > now) saved.cooling = cooling;
    if (parked !== undefined && parked.until > now) saved.parked = parked;
    pools[id] = saved;
  }
  return { version: LIMITER_SNAPSHOT_VERSION, savedAt: now, pools };
}

/**
 * A state from a saved snapshot. Anything that does not validate is dropped, pool by pool, so
 * a damaged file costs what it damaged and never stops the engine: an unreadable snapshot is
 * the empty state.
 */
export function restore(saved: unknown, now: number): LimiterState {
  if (typeof saved !== 'object' || saved === null) return { pools: {}, keys: {} };
  const { version, pools } = saved as { version?: unknown; pools?: unknown };
  if (version !== LIMITER_SNAPSHOT_VERSION || typeof pools !== 'object' || pools === null) {
    return { pools: {}, keys: {} };
  }
  const out: Record<string, PoolState> = {};
  for (const [id, raw] of Object.entries(pools)) {
    const parsed = PoolSchema.safeParse(raw);
    if (!parsed.success) continue;
    const { cooling, parked, ...rest } = parsed.data;
    const pool: PoolState = { ...rest, inFlight: 0, inFlightTokens: 0 };
    if (cooling !== undefined && cooling.until > now) pool.cooling = cooling;
    if (parked !== undefined && parked.until > now) pool.parked = parked;
    out[id] = pool;
  }
  return { pools: out, keys: {} };
}
