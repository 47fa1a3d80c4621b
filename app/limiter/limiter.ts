/**
 * The limiter's decisions, as pure functions of state, time and input: may this target take a
 * request now (and if not, why and until when), what a finished attempt taught us (usage,
 * headers, failures), and what each target's status is. The gate in main/ holds the state and
 * the clock and carries these decisions out.
 *
 * Headers are the provider's truth: a reported window replaces the local count. Local counting
 * fills the gaps between reports and covers providers that send none (Gemini, OpenRouter on
 * success). Failures are the classifier's: a cooldown cools the pool, a park parks it until its
 * quota returns, an invalid key is set aside until it is cleared or seen to work.
 */
import { clampOutputTokens } from '../catalog/schema.ts';
import type { FailureDecision } from '../ratelimit/classify.ts';
import { parseRateLimitHeaders, type HeaderLookup } from '../ratelimit/headers.ts';
import { estimateTokens } from './tokenBucket.ts';
import { breakerAfterAttempt, breakerPhase, breakerProbe } from './breaker.ts';
import { formatWait } from './format.ts';
import { newWindow, reseedPool, seedPool } from './seed.ts';
import {
  amountFor,
  catalogModel,
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
import { correctWindow, observeWindow, takeWindow, WINDOW_LABELS, windowWait } from './windows.ts';

/** Why a target cannot take a request now. */
export type AdmitRefusal =
  'invalid' | 'parked' | 'cooling' | 'open' | 'half-open' | 'concurrency' | 'window' | 'too-large';

/** A refusal, with when capacity returns where that is known. */
export interface Refusal {
  ok: false;
  reason: AdmitRefusal;
  /** Epoch ms at which the request would fit; absent when unknown (a release) or never. */
  retryAt?: number;
  /** One sentence for the request log and the plan preview. */
  message: string;
}

/** What an admitted request was charged, to be settled by {@link release}. */
export interface Ticket {
  pool: string;
  at: number;
  demand: Demand;
  /** The windows charged, so a window learned later is not "corrected" for this request. */
  charged: LimitWindow[];
  /** This request is the half-open breaker's probe. */
  probe?: boolean;
}

/** An admission with its ticket, or a refusal; both carry the state at `now`. */
export type AdmitResult =
  { ok: true; state: LimiterState; ticket: Ticket } | (Refusal & { state: LimiterState });

/** How an attempt ended, as far as the limiter cares. */
export interface AttemptOutcome {
  /** HTTP status from the provider, or 0 when none arrived. */
  status: number;
  failure?: FailureDecision;
  /** Token counts the provider reported; 0/0 means it reported none. */
  usage?: { tokensIn: number; tokensOut: number };
  /** The response headers, by lower-case name. */
  headers?: HeaderLookup;
}

/**
 * A target's status, for the plan and the dashboard. `open`: its circuit breaker keeps it out
 * until `until`; `half-open`: its probe is out, the next request waits for the probe's outcome.
 */
export interface TargetStatus {
  state: 'ready' | 'cooling' | 'parked' | 'invalid' | 'open' | 'half-open';
  until?: number;
  reason?: string;
}

/**
 * What a request is charged before its usage is known: prompt characters / 4 in, `max_tokens`
 * out (providers such as OpenAI and Cerebras count the requested output up front).
 */
export function demandOf(promptChars: number, maxTokens: number | undefined): Demand {
  const inputTokens = estimateTokens(promptChars);
  return { inputTokens, outputTokens: estimateTokens(0, maxTokens) };
}

/**
 * The demand on one target: `max_tokens` as that target will be sent it, capped at its model's
 * maximum output (Claude Code asks every model for 32,000).
 */
export function demandOn(
  target: Pick<LimiterTarget, 'provider' | 'model'>,
  promptChars: number,
  maxTokens: number | undefined,
): Demand {
  const capped =
    maxTokens === undefined ? undefined : clampOutputTokens(catalogModel(target), maxTokens);
  return demandOf(promptChars, capped);
}

/** Statuses at which the provider refused before doing any work: the request did not count. */
function refusedUnprocessed(status: number): boolean {
  return status === 429 || status === 503 || status === 529;
}

function who(target: LimiterTarget): string {
  const key = target.keyId === undefined ? '' : ` key "${target.keyId}"`;
  return `${target.provider.name}${key} (${target.model})`;
}

/** The pool as the target sees it: stored, reseeded after a tier change, or fresh. */
function poolFor(state: LimiterState, id: string, target: LimiterTarget, now: number): PoolState {
  const pool = state.pools[id];
  if (pool === undefined) return seedPool(target, now);
  return pool.tier === target.tier ? pool : reseedPool(pool, target, now);
}

function activeHold(hold: Hold | undefined, now: number): Hold | undefined {
  return hold !== undefined && hold.until > now ? hold : undefined;
}

/** The target's status at `now`: invalid key, parked or cooling pool, else ready. */
export function targetStatus(
  state: LimiterState,
  target: LimiterTarget,
  now: number,
): TargetStatus {
  const key = state.keys[keyRefOf(target)];
  if (key?.invalid !== undefined) return { state: 'invalid', reason: key.invalid.reason };
  const pool = state.pools[poolIdOf(target)];
  if (pool === undefined) return { state: 'ready' };
  const parked = activeHold(pool.parked, now);
  if (parked !== undefined) return { state: 'parked', until: parked.until, reason: parked.reason };
  const cooling = activeHold(pool.cooling, now);
  if (cooling !== undefined)
    return { state: 'cooling', until: cooling.until, reason: cooling.reason };
  const breaker = breakerPhase(pool.breaker, now);
  if (breaker.phase === 'open')
    return { state: 'open', until: breaker.until, reason: breaker.reason };
  if (breaker.phase === 'half-open' && breaker.probing)
    return { state: 'half-open', reason: breaker.reason };
  return { state: 'ready' };
}

function statusRefusal(
  target: LimiterTarget,
  status: TargetStatus,
  now: number,
): Refusal | undefined {
  switch (status.state) {
    case 'ready':
      return undefined;
    case 'invalid':
      return {
        ok: false,
        reason: 'invalid',
        message: `${who(target)} is set aside: the key was rejected (${status.reason ?? 'invalid'}).`,
      };
    case 'half-open':
      return {
        ok: false,
        reason: 'half-open',
        message: `${who(target)} is recovering from failures (${status.reason ?? ''}): one probe request is out; the next waits for its outcome.`,
      };
    case 'parked':
    case 'open':
    case 'cooling': {
      const until = status.until ?? now;
      const what =
        status.state === 'parked'
          ? 'parked'
          : status.state === 'open'
            ? 'out of rotation after repeated failures'
            : 'cooling down';
      return {
        ok: false,
        reason: status.state,
        retryAt: until,
        message:
          `${who(target)} is ${what} for ${formatWait(until - now)}: ${status.reason ?? ''}`.trimEnd(),
      };
    }
  }
}

/** Why the pool cannot take the demand now, or undefined when it can. */
function capacityRefusal(
  pool: PoolState,
  target: LimiterTarget,
  demand: Demand,
  now: number,
): Refusal | undefined {
  let longest = 0;
  let binding: WindowState | undefined;
  for (const w of pool.windows) {
    const n = amountFor(w.window, demand);
    const wait = windowWait(w, n, now);
    if (wait > longest) {
      longest = wait;
      binding = w;
    }
  }
  if (binding !== undefined) {
    const label = WINDOW_LABELS[binding.window];
    if (!Number.isFinite(longest)) {
      const n = amountFor(binding.window, demand);
      const limit = binding.kind === 'counter' ? binding.counter.limit : binding.bucket.capacity;
      return {
        ok: false,
        reason: 'too-large',
        message: `${who(target)} cannot take this request: it needs about ${n} ${unitOf(binding.window)} and the limit is ${limit} ${label}.`,
      };
    }
    return {
      ok: false,
      reason: 'window',
      retryAt: now + longest,
      message: `${who(target)} has no ${label} left; capacity returns in ${formatWait(longest)}.`,
    };
  }
  if (pool.concurrency !== undefined && pool.inFlight >= pool.concurrency) {
    return {
      ok: false,
      reason: 'concurrency',
      message: `${who(target)} already has ${pool.inFlight} of ${pool.concurrency} requests in flight.`,
    };
  }
  return undefined;
}

/**
 * Whether the target could take the demand at `now`, without changing anything: the check the
 * plan runs for every candidate. Same answer as {@link admit}.
 */
export function checkAdmit(
  state: LimiterState,
  target: LimiterTarget,
  demand: Demand,
  now: number,
): { ok: true } | Refusal {
  const refused = statusRefusal(target, targetStatus(state, target, now), now);
  if (refused !== undefined) return refused;
  const id = poolIdOf(target);
  return capacityRefusal(poolFor(state, id, target, now), target, demand, now) ?? { ok: true };
}

/**
 * Whether a refused request should wait for this target rather than move on: the route waits
 * (`waitMs` > 0) and the refusal is temporary (a window, concurrency, a cooldown, an open or
 * half-open breaker, a park) with room returning within the wait, or at an unknown time (a
 * release, a probe's outcome; the waiter's deadline bounds it). An invalid key or a request
 * larger than a whole window never waits. The plan and the gate both decide with this.
 */
export function worthWaiting(refusal: Refusal, now: number, waitMs: number): boolean {
  if (waitMs <= 0) return false;
  if (refusal.reason === 'invalid' || refusal.reason === 'too-large') return false;
  return refusal.retryAt === undefined || refusal.retryAt <= now + waitMs;
}

function withPool(state: LimiterState, id: string, pool: PoolState): LimiterState {
  return { ...state, pools: { ...state.pools, [id]: pool } };
}

/**
 * Takes capacity for one request at `now`, or says why not and until when.
 *
 * Refusals, in order: the key is invalid, the pool is parked (quota spent) or cooling (a
 * transient failure), a window lacks room (`retryAt` is when it has room again), the request is
 * larger than a window's whole limit (never fits), the pool's concurrency is taken (room
 * returns with a release). An admitted request's ticket goes back with {@link release}.
 */
export function admit(
  state: LimiterState,
  target: LimiterTarget,
  demand: Demand,
  now: number,
): AdmitResult {
  const refused = statusRefusal(target, targetStatus(state, target, now), now);
  if (refused !== undefined) return { ...refused, state };
  const id = poolIdOf(target);
  const pool = poolFor(state, id, target, now);
  const full = capacityRefusal(pool, target, demand, now);
  if (full !== undefined) {
    return { ...full, state: pool === state.pools[id] ? state : withPool(state, id, pool) };
  }
  const charged = pool.windows.map((w) => w.window);
  const windows = pool.windows.map((w) => takeWindow(w, amountFor(w.window, demand), now));
  const probe = pool.breaker !== undefined && breakerPhase(pool.breaker, now).phase === 'half-open';
  const next: PoolState = {
    ...pool,
    windows,
    inFlight: pool.inFlight + 1,
    inFlightTokens: pool.inFlightTokens + demand.inputTokens + demand.outputTokens,
    ...(probe && pool.breaker !== undefined ? { breaker: breakerProbe(pool.breaker) } : {}),
  };
  return {
    ok: true,
    state: withPool(state, id, next),
    ticket: { pool: id, at: now, demand, charged, ...(probe ? { probe } : {}) },
  };
}

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
  if (pool !== undefined) {
    const { demand } = ticket;
    const windows = pool.windows.map((w) =>
      ticket.charged.includes(w.window)
        ? correctWindow(
            w,
            ticket.at,
            amountFor(w.window, demand),
            actualFor(w.window, demand, outcome),
          )
        : w,
    );
    const breaker = breakerAfterAttempt(pool.breaker, ticket.probe === true, outcome, now);
    const settled: PoolState = {
      ...pool,
      windows,
      inFlight: Math.max(0, pool.inFlight - 1),
      inFlightTokens: Math.max(0, pool.inFlightTokens - demand.inputTokens - demand.outputTokens),
    };
    if (breaker === undefined) delete settled.breaker;
    else settled.breaker = breaker;
    next = withPool(state, ticket.pool, settled);
  }
  if (outcome.headers !== undefined) next = observeHeaders(next, target, outcome.headers, now);
  if (outcome.failure !== undefined) next = applyFailure(next, target, outcome.failure, now);
  if (outcome.status >= 200 && outcome.status < 300) next = clearInvalid(next, keyRefOf(target));
  return next;
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
  const observed = parseRateLimitHeaders(target.provider.headerDialect, headers, now).windows;
  if (observed.length === 0) return state;
  const id = poolIdOf(target);
  const pool = poolFor(state, id, target, now);
  const windows = pool.windows.slice();
  for (const observation of observed) {
    const pending = unitOf(observation.window) === 'requests' ? pool.inFlight : pool.inFlightTokens;
    const index = windows.findIndex((w) => w.window === observation.window);
    if (index !== -1) {
      windows[index] = observeWindow(windows[index] as WindowState, observation, now, pending);
    } else if (observation.limit !== undefined && observation.limit > 0) {
      const fresh = newWindow(
        target.provider,
        observation.window,
        observation.limit,
        'headers',
        now,
      );
      windows.push(observeWindow(fresh, observation, now, pending));
    }
  }
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
    pools ??= { ...state.pools };
    pools[id] = next;
  }
  return pools === undefined ? state : { ...state, pools };
}
