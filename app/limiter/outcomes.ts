/**
 * What a finished attempt teaches the limiter, as pure functions of state, time and outcome:
 * usage charged in place of the estimate, response headers, failures (a cooldown cools the pool,
 * a park parks it until its quota returns, an invalid key is set aside until it is cleared or
 * seen to work), and the targets seeded from the config.
 */
import type { FailureDecision } from '../ratelimit/classify.ts';
import { parseRateLimitWindows, type HeaderLookup } from '../ratelimit/headers.ts';
import { breakerAfterAttempt } from './breaker.ts';
import { newWindow, reseedPool, seedPool } from './seed.ts';
import {
  amountFor,
  keyRefOf,
  poolIdOf,
  unitOf,
  type Demand,
  type Hold,
  type KeyState,
  type LimitWindow,
  type LimiterState,
  type LimiterTarget,
  type PoolState,
  type WindowState,
} from './state.ts';
import { correctWindow, observeWindow } from './windows.ts';
import {
  activeHold,
  poolFor,
  refusedUnprocessed,
  withPool,
  type AttemptOutcome,
  type Ticket,
} from './limiter.ts';

/** What the attempt really cost a window, given how it ended. */
export function actualFor(window: LimitWindow, demand: Demand, outcome: AttemptOutcome): number {
  // A cancel before any answer: the provider may have counted the request and its prompt, so the
  // admission stays spent as charged.
  if (outcome.failure?.class === 'cancelled') return amountFor(window, demand);
  if (refusedUnprocessed(outcome.status)) return 0;
  if (unitOf(window) === 'requests') return 1;
  const usage = outcome.usage;
  const reported = usage !== undefined && usage.tokensIn + usage.tokensOut > 0 ? usage : undefined;
  const failed = outcome.status >= 400 || (outcome.status === 0 && outcome.failure !== undefined);
  const tokensIn = reported?.tokensIn ?? (failed ? 0 : demand.inputTokens);
  const tokensOut = reported?.tokensOut ?? (failed ? 0 : demand.outputTokens);
  if (window === 'itpm') return tokensIn;
  if (window === 'otpm') return tokensOut;
  return tokensIn + tokensOut;
}

/**
 * Settles an admitted request: frees its concurrency slot, charges its real usage in place of
 * the estimate (a refusal before any work, 429/503/529, is refunded), then learns from the
 * response headers and the failure, if any. A success clears an invalid mark on the key.
 */
export function release(
  state: LimiterState,
  target: LimiterTarget,
  ticket: Ticket,
  outcome: AttemptOutcome,
  now: number,
): LimiterState {
  let next = state;
  const pool = state.pools[ticket.pool];
  let observed = outcome.headers !== undefined;
  if (pool !== undefined) {
    const { demand } = ticket;
    const windows = new Array<WindowState>(pool.windows.length);
    for (let i = 0; i < windows.length; i++) {
      const w = pool.windows[i] as WindowState;
      windows[i] = ticket.charged.includes(w.window)
        ? correctWindow(
            w,
            ticket.at,
            amountFor(w.window, demand),
            actualFor(w.window, demand, outcome),
          )
        : w;
    }
    const breaker = breakerAfterAttempt(pool.breaker, ticket.probe === true, outcome, now);
    const settled: PoolState = {
      ...pool,
      windows,
      inFlight: Math.max(0, pool.inFlight - 1),
      inFlightTokens: Math.max(0, pool.inFlightTokens - demand.inputTokens - demand.outputTokens),
    };
    if (breaker !== undefined) settled.breaker = breaker;
    else if ('breaker' in settled) delete settled.breaker;
    // The headers are read into the pool just built, when they are about it (as they are unless
    // its tier changed since the admission): one copy of the pool rather than two.
    if (observed && ticket.pool === poolIdOf(target) && pool.tier === target.tier) {
      const headers = outcome.headers as HeaderLookup;
      observeInto(settled, windows, pool.windows, target, headers, now);
      observed = false;
    }
    next = withPool(state, ticket.pool, settled);
  }
  if (observed) next = observeHeaders(next, target, outcome.headers as HeaderLookup, now);
  if (outcome.failure !== undefined) next = applyFailure(next, target, outcome.failure, now);
  if (outcome.status >= 200 && outcome.status < 300) next = clearInvalid(next, keyRefOf(target));
  return next;
}

/**
 * Corrects `windows`, an array made for this call alone (the next state of `pool`), by what the
 * headers say, adding the windows they give a limit for that the pool lacks. A window that is
 * not the one at its place in `before` was made by this call too, and is updated in place.
 *
 * @returns whether the headers reported any window
 */
function observeInto(
  pool: PoolState,
  windows: WindowState[],
  before: readonly WindowState[],
  target: LimiterTarget,
  headers: HeaderLookup,
  now: number,
): boolean {
  const observed = parseRateLimitWindows(target.provider.headerDialect, headers, now);
  for (const observation of observed) {
    const pending = unitOf(observation.window) === 'requests' ? pool.inFlight : pool.inFlightTokens;
    let index = -1;
    for (let i = 0; i < windows.length; i++) {
      if ((windows[i] as WindowState).window === observation.window) {
        index = i;
        break;
      }
    }
    if (index !== -1) {
      const w = windows[index] as WindowState;
      windows[index] = observeWindow(w, observation, now, pending, w !== before[index]);
    } else if (observation.limit !== undefined && observation.limit > 0) {
      const fresh = newWindow(
        target.provider,
        observation.window,
        observation.limit,
        'headers',
        now,
      );
      windows.push(observeWindow(fresh, observation, now, pending, true));
    }
  }
  return observed.length > 0;
}

/**
 * Corrects the target's windows by what a response's headers say (in the provider's dialect).
 * Windows the pool does not track yet are added when the headers give their limit: this is how a
 * paid key, which starts with no limits, learns them.
 */
export function observeHeaders(
  state: LimiterState,
  target: LimiterTarget,
  headers: HeaderLookup,
  now: number,
): LimiterState {
  const id = poolIdOf(target);
  const pool = poolFor(state, id, target, now);
  const windows = pool.windows.slice();
  if (!observeInto(pool, windows, pool.windows, target, headers, now)) return state;
  return withPool(state, id, { ...pool, windows });
}

function later(current: Hold | undefined, until: number, reason: string, now: number): Hold {
  const live = activeHold(current, now);
  return live !== undefined && live.until >= until ? live : { until, reason };
}

/**
 * Acts on a classified failure: `transient` cools the target's pool until `cooldownUntil`,
 * `exhausted` parks it until `parkUntil` (an account pool for account-wide quotas, else the
 * model's pool: a per-model daily quota leaves the key's other models alone), `key-invalid`
 * sets the key aside. A later deadline is never shortened by an earlier one.
 */
export function applyFailure(
  state: LimiterState,
  target: LimiterTarget,
  failure: FailureDecision,
  now: number,
): LimiterState {
  if (failure.class === 'key-invalid') {
    const ref = keyRefOf(target);
    const key: KeyState = {
      provider: target.provider.id,
      keyId: target.keyId ?? '',
      invalid: { since: now, reason: failure.reason },
    };
    return { ...state, keys: { ...state.keys, [ref]: key } };
  }
  const until =
    failure.class === 'transient'
      ? failure.cooldownUntil
      : failure.class === 'exhausted'
        ? failure.parkUntil
        : undefined;
  if (until === undefined || !(until > now)) return state;
  const id = poolIdOf(target);
  const pool = poolFor(state, id, target, now);
  const next: PoolState =
    failure.class === 'transient'
      ? { ...pool, cooling: later(pool.cooling, until, failure.reason, now) }
      : { ...pool, parked: later(pool.parked, until, failure.reason, now) };
  return withPool(state, id, next);
}

function clearInvalid(state: LimiterState, ref: string): LimiterState {
  if (state.keys[ref]?.invalid === undefined) return state;
  const keys = { ...state.keys };
  delete keys[ref];
  return { ...state, keys };
}

/**
 * Forgets what went wrong with a key: its invalid mark, and the cooldowns and parks of its pools
 * (the user replaced or re-tested it). Counts are kept.
 */
export function clearKey(
  state: LimiterState,
  providerId: string,
  keyId: string | undefined,
): LimiterState {
  const ref = `${providerId}|${keyId ?? ''}`;
  let next = clearInvalid(state, ref);
  const prefix = `${ref}|`;
  let pools: Record<string, PoolState> | undefined;
  for (const [id, pool] of Object.entries(next.pools)) {
    if (!id.startsWith(prefix) || (pool.cooling === undefined && pool.parked === undefined))
      continue;
    pools ??= { ...next.pools };
    const { cooling: _cooling, parked: _parked, ...rest } = pool;
    pools[id] = rest;
  }
  if (pools !== undefined) next = { ...next, pools };
  return next;
}

/**
 * Makes sure every target has a pool, seeded from the current catalog, tier and config; call on
 * start and when the config or catalog changes, so gauges show every target before its first
 * request and restored counts meet the current limits.
 */
export function seedTargets(
  state: LimiterState,
  targets: readonly LimiterTarget[],
  now: number,
): LimiterState {
  let pools: Record<string, PoolState> | undefined;
  for (const target of targets) {
    const id = poolIdOf(target);
    const current = (pools ?? state.pools)[id];
    const next = current === undefined ? seedPool(target, now) : reseedPool(current, target, now);
    if (next === current) continue;
    pools ??= { ...state.pools };
    pools[id] = next;
  }
  return pools === undefined ? state : { ...state, pools };
}
