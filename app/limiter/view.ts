/**
 * The limiter as the dashboard's gauges and the admin API show it: per provider, key and model,
 * each window's limit, what is left and when it refills, where the figure comes from, and
 * whether the target is usable.
 */
import { breakerPhase } from './breaker.ts';
import type { KeyTier, LimitWindow, LimiterState } from './state.ts';
import { unitOf } from './state.ts';
import { readWindow } from './windows.ts';

/**
 * Where a window's remaining figure comes from: the provider's headers (still current), local
 * counting (since the last report, or with no reports at all), or the catalog's or config's
 * limit with nothing counted yet.
 */
export type WindowSource = 'headers' | 'local' | 'catalog' | 'config';

/** One window of one pool, as a gauge draws it. */
export interface LimiterWindowView {
  window: LimitWindow;
  unit: 'requests' | 'tokens';
  limit: number;
  remaining: number;
  /** Epoch ms at which the window is full again; absent when it is full. */
  resetAt?: number;
  source: WindowSource;
  /** Epoch ms at which the window runs out at the last 15 minutes' pace; absent when it will not before its reset (app/models/forecast.ts). */
  runsOutAt?: number;
}

/** Whether a target is usable; `until` for cooling and parked, `reason` the classifier's words. */
export interface LimiterStatusView {
  state: 'ready' | 'cooling' | 'parked' | 'invalid';
  until?: number;
  reason?: string;
}

/** One pool: a provider key's limits for one model, or for every free model of an account. */
export interface LimiterPoolView {
  provider: string;
  /** null for keyless local servers. */
  keyId: string | null;
  /** null when the limits are shared by every free model of the account (OpenRouter). */
  model: string | null;
  tier: KeyTier;
  status: LimiterStatusView;
  windows: LimiterWindowView[];
  inFlight: number;
  concurrency?: number;
}

/** The whole limiter at one instant. */
export interface LimiterView {
  at: number;
  pools: LimiterPoolView[];
}

/** Reads the state at `now` into the view; sorted by provider, key, then model. */
export function limiterView(state: LimiterState, now: number): LimiterView {
  const pools: LimiterPoolView[] = [];
  for (const pool of Object.values(state.pools)) {
    const key = state.keys[`${pool.provider}|${pool.keyId}`];
    let status: LimiterStatusView = { state: 'ready' };
    if (key?.invalid !== undefined) {
      status = { state: 'invalid', reason: key.invalid.reason };
    } else if (pool.parked !== undefined && pool.parked.until > now) {
      status = { state: 'parked', until: pool.parked.until, reason: pool.parked.reason };
    } else if (pool.cooling !== undefined && pool.cooling.until > now) {
      status = { state: 'cooling', until: pool.cooling.until, reason: pool.cooling.reason };
    } else {
      // The gauges show an open circuit as cooling: out of rotation until a probe.
      const breaker = breakerPhase(pool.breaker, now);
      if (breaker.phase === 'open')
        status = { state: 'cooling', until: breaker.until, reason: breaker.reason };
    }
    const windows = pool.windows.map((w): LimiterWindowView => {
      const reading = readWindow(w, now);
      const source: WindowSource = reading.fromHeaders
        ? 'headers'
        : reading.counted || w.limitSource === 'headers'
          ? 'local'
          : w.limitSource;
      const view: LimiterWindowView = {
        window: w.window,
        unit: unitOf(w.window),
        limit: reading.limit,
        remaining: reading.remaining,
        source,
      };
      if (reading.resetAt !== undefined) view.resetAt = reading.resetAt;
      return view;
    });
    const view: LimiterPoolView = {
      provider: pool.provider,
      keyId: pool.keyId === '' ? null : pool.keyId,
      model: pool.model,
      tier: pool.tier,
      status,
      windows,
      inFlight: pool.inFlight,
    };
    if (pool.concurrency !== undefined) view.concurrency = pool.concurrency;
    pools.push(view);
  }
  pools.sort(
    (a, b) =>
      a.provider.localeCompare(b.provider) ||
      (a.keyId ?? '').localeCompare(b.keyId ?? '') ||
      (a.model ?? '').localeCompare(b.model ?? ''),
  );
  return { at: now, pools };
}

/**
 * What a gauge and the tray show for one pool at `now`: the one place both read. Key health is
 * the key's own status (the key store hears of a 401 in traffic), so `keyInvalid` decides it;
 * the pool's invalid mark counts only for a pool without a configured key. Cooling and parked
 * last while their time has not passed.
 */
export function poolStatusNow(
  pool: Pick<LimiterPoolView, 'status'>,
  keyInvalid: boolean | undefined,
  now: number,
): LimiterStatusView {
  const { status } = pool;
  const invalid = keyInvalid === undefined ? status.state === 'invalid' : keyInvalid;
  if (invalid) {
    return { state: 'invalid', ...(status.reason !== undefined ? { reason: status.reason } : {}) };
  }
  if (status.state === 'invalid') return { state: 'ready' };
  if (status.until !== undefined && status.until <= now) return { state: 'ready' };
  return status;
}

/** A window's figure at `now`: full again once its reset time has passed (the gauges and the tray). */
export function remainingNow(w: LimiterWindowView, now: number): number {
  return w.resetAt !== undefined && w.resetAt <= now ? w.limit : w.remaining;
}
