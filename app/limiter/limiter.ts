/**
 * The limiter's admission decisions, as pure functions of state, time and input: may this target
 * take a request now (and if not, why and until when), and what each target's status is. What a
 * finished attempt teaches is outcomes.ts. The gate in main/ holds the state and the clock and
 * carries these decisions out.
 *
 * Headers are the provider's truth: a reported window replaces the local count. Local counting
 * fills the gaps between reports and covers providers that send none (Gemini, OpenRouter on
 * success).
 */
import { clampOutputTokens } from '../catalog/schema.ts';
import type { FailureDecision } from '../ratelimit/classify.ts';
import type { HeaderLookup } from '../ratelimit/headers.ts';
import { estimateTokens } from './tokenBucket.ts';
import { breakerPhase, breakerProbe } from './breaker.ts';
import { formatWait } from './format.ts';
import { reseedPool, seedPool } from './seed.ts';
import {
  amountFor,
  catalogModel,
  keyRefOf,
  poolIdOf,
  unitOf,
  type Demand,
  type Hold,
  type LimitWindow,
  type LimiterState,
  type LimiterTarget,
  type PoolState,
  type WindowState,
} from './state.ts';
import { takeWindow, WINDOW_LABELS, windowLimit, windowWait } from './windows.ts';

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
export function refusedUnprocessed(status: number): boolean {
  return status === 429 || status === 503 || status === 529;
}

function who(target: LimiterTarget): string {
  const key = target.keyId === undefined ? '' : ` key "${target.keyId}"`;
  return `${target.provider.name}${key} (${target.model})`;
}

/** The pool as the target sees it: stored, reseeded after a tier change, or fresh. */
export function poolFor(
  state: LimiterState,
  id: string,
  target: LimiterTarget,
  now: number,
): PoolState {
  const pool = state.pools[id];
  if (pool === undefined) return seedPool(target, now);
  return pool.tier === target.tier ? pool : reseedPool(pool, target, now);
}

export function activeHold(hold: Hold | undefined, now: number): Hold | undefined {
  return hold !== undefined && hold.until > now ? hold : undefined;
}

/**
 * The answers most requests get, shared (read only): asked of every candidate of every request,
 * they were made afresh each time.
 */
const READY: Readonly<TargetStatus> = { state: 'ready' };
const ADMITTABLE: Readonly<{ ok: true }> = { ok: true };

/** The target's status at `now`: invalid key, parked or cooling pool, else ready. */
export function targetStatus(
  state: LimiterState,
  target: LimiterTarget,
  now: number,
): TargetStatus {
  return statusIn(state, target, poolIdOf(target), now);
}

/** {@link targetStatus} for a caller that has the target's pool id already. */
function statusIn(
  state: LimiterState,
  target: LimiterTarget,
  id: string,
  now: number,
): TargetStatus {
  const key = state.keys[keyRefOf(target)];
  if (key?.invalid !== undefined) return { state: 'invalid', reason: key.invalid.reason };
  const pool = state.pools[id];
  if (pool === undefined) return READY;
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
  return READY;
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
      const limit = windowLimit(binding);
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
  const id = poolIdOf(target);
  const refused = statusRefusal(target, statusIn(state, target, id, now), now);
  if (refused !== undefined) return refused;
  return capacityRefusal(poolFor(state, id, target, now), target, demand, now) ?? ADMITTABLE;
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

export function withPool(state: LimiterState, id: string, pool: PoolState): LimiterState {
  // Copied, then set: a computed key in the literal made the copy slower.
  const pools: Record<string, PoolState> = { ...state.pools };
  pools[id] = pool;
  return { ...state, pools };
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
  const id = poolIdOf(target);
  const refused = statusRefusal(target, statusIn(state, target, id, now), now);
  if (refused !== undefined) return { ...refused, state };
  const pool = poolFor(state, id, target, now);
  const full = capacityRefusal(pool, target, demand, now);
  if (full !== undefined) {
    return { ...full, state: pool === state.pools[id] ? state : withPool(state, id, pool) };
  }
  const count = pool.windows.length;
  const charged = new Array<LimitWindow>(count);
  const windows = new Array<WindowState>(count);
  for (let i = 0; i < count; i++) {
    const w = pool.windows[i] as WindowState;
    charged[i] = w.window;
    windows[i] = takeWindow(w, amountFor(w.window, demand), now);
  }
  const next: PoolState = {
    ...pool,
    windows,
    inFlight: pool.inFlight + 1,
    inFlightTokens: pool.inFlightTokens + demand.inputTokens + demand.outputTokens,
  };
  const ticket: Ticket = { pool: id, at: now, demand, charged };
  if (pool.breaker !== undefined && breakerPhase(pool.breaker, now).phase === 'half-open') {
    next.breaker = breakerProbe(pool.breaker);
    ticket.probe = true;
  }
  return {
    ok: true,
    state: withPool(state, id, next),
    ticket,
  };
}
