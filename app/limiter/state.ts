/**
 * The limiter's state: what it knows about each pool of quota (a provider key's limits for one
 * model, or for every free model of an account where the provider counts them together), as
 * plain JSON so it can be saved and restored. Every value here is data; the functions that move
 * it forward live in limiter.ts.
 */
import type { BreakerState } from './breaker.ts';
import type { Model, ModelLimits } from '../catalog/model.ts';
import type { Provider } from '../catalog/schema.ts';
import type { RateWindow } from '../ratelimit/headers.ts';
import type { BucketState, WindowCounter } from './tokenBucket.ts';

/** Whether a key is on the provider's free tier (limits seeded from the catalog) or paid. */
export type KeyTier = 'free' | 'paid';

/**
 * Every window the limiter tracks: the ones providers report in headers, plus tokens per hour,
 * which the catalog lists (Cerebras) but no header reports.
 */
export type LimitWindow = RateWindow | 'tph';

/** Where a window's limit came from. */
export type LimitSource = 'catalog' | 'config' | 'headers';

/**
 * A window the limiter keeps as a token bucket: per second, minute or hour, and daily windows
 * of providers whose day is rolling rather than reset at a wall-clock time.
 *
 * The bucket (app/ratelimit) holds the limit and, when the provider reports the window, its
 * figure until the reset it named. Local counting goes through `log` as well: the amounts taken
 * in the last window length, so that no span of that length ever sees more than the limit. A
 * bucket alone lets twice the limit through in one window (a full burst, then the refill), which
 * providers with fixed windows refuse; the log is safe against fixed windows, wall-clock
 * windows (Gemini's minute starts at :00) and token buckets alike.
 */
export interface BucketWindow {
  kind: 'bucket';
  window: LimitWindow;
  windowMs: number;
  bucket: BucketState;
  /**
   * [epoch ms, amount] of the local takes within the last window, one entry per hundredth of the
   * window stamped with its latest take (windows.ts); absent for rolling days.
   */
  log?: Array<[number, number]>;
  limitSource: LimitSource;
  /** Epoch ms of the last header observation of this window. */
  observedAt?: number;
}

/** A daily or monthly quota that resets at a wall-clock time (app/ratelimit's WindowCounter). */
export interface CounterWindow {
  kind: 'counter';
  window: LimitWindow;
  counter: WindowCounter;
  limitSource: LimitSource;
  observedAt?: number;
}

/** One window of a pool: a bucket (seconds to an hour, rolling days) or a calendar counter. */
export type WindowState = BucketWindow | CounterWindow;

/** Until when, and why, a pool or key is out of use. `reason` is the classifier's sentence. */
export interface Hold {
  until: number;
  reason: string;
}

/** One pool of quota: what a provider counts together for one key. */
export interface PoolState {
  provider: string;
  /** '' for keyless local servers. */
  keyId: string;
  /** The model, or null for the pool every free model of an account shares (OpenRouter). */
  model: string | null;
  /** The key tier the pool was seeded for; a change of tier reseeds the catalog's limits. */
  tier: KeyTier;
  windows: WindowState[];
  /** Most requests at once, from the catalog (GitHub Models) or config. */
  concurrency?: number;
  inFlight: number;
  /** Tokens charged for requests in flight, so a header's "remaining" can leave them out. */
  inFlightTokens: number;
  /** A transient failure: the target is not tried again before `until`. */
  cooling?: Hold;
  /** Quota spent: the pool is not used before it returns. */
  parked?: Hold;
  /** Server-side failures: open, the pool takes no traffic; half-open, one probe (app/limiter/breaker). */
  breaker?: BreakerState;
}

/** What is known of a key as a whole. */
export interface KeyState {
  provider: string;
  keyId: string;
  /** The provider rejected the key (401/403): not used until cleared or seen to work. */
  invalid?: { since: number; reason: string };
}

/** The limiter's whole state. Treat as immutable: every function returns a new one. */
export interface LimiterState {
  pools: Readonly<Record<string, PoolState>>;
  keys: Readonly<Record<string, KeyState>>;
}

/** The empty state: nothing counted, nothing cooling. */
export const EMPTY_LIMITER_STATE: LimiterState = Object.freeze({
  pools: Object.freeze({}),
  keys: Object.freeze({}),
});

/** One concrete target the limiter admits requests for. */
export interface LimiterTarget {
  /** The catalog entry (header dialect, free tier reset and scope, model limits). */
  provider: Provider;
  model: string;
  /** undefined for keyless local servers. */
  keyId: string | undefined;
  tier: KeyTier;
  /** Limits from the user's config; they replace the catalog's figures where given. */
  limits?: ModelLimits;
}

/** What one request is charged before its usage is known. */
export interface Demand {
  inputTokens: number;
  outputTokens: number;
}

/** The catalog's entry for the target's model, if it lists it. */
export function catalogModel(target: Pick<LimiterTarget, 'provider' | 'model'>): Model | undefined {
  const models = target.provider.models;
  for (let i = 0; i < models.length; i++) {
    const model = models[i] as Model;
    if (model.id === target.model) return model;
  }
  return undefined;
}

const LIMIT_FIGURES = ['rpm', 'rph', 'rpd', 'tpm', 'tph', 'tpd', 'concurrency'] as const;

/** Per provider object: whether its free models all list the same limits. */
const uniformFreeLimits = new WeakMap<Provider, boolean>();

function freeLimitsUniform(provider: Provider): boolean {
  let uniform = uniformFreeLimits.get(provider);
  if (uniform === undefined) {
    const free = provider.models.filter((m) => m.free);
    const first = free[0]?.limits ?? {};
    uniform = free.every((m) => LIMIT_FIGURES.every((f) => (m.limits ?? {})[f] === first[f]));
    uniformFreeLimits.set(provider, uniform);
  }
  return uniform;
}

/**
 * True when the provider counts the target's limits for the whole account rather than per
 * model. The catalog says who owns a quota (`freeTier.scope`) but not whether it is per model,
 * so an account-scoped free tier whose free models all list the same limits is read as one
 * quota they share (OpenRouter's `:free` variants: 20 RPM and 50 RPD together), and one whose
 * models list different limits as per-model quotas (GitHub Models: 15/150 for low-tier models,
 * 10/50 for high-tier ones). Paid models never share the free pool.
 */
export function sharesAccountPool(target: Pick<LimiterTarget, 'provider' | 'model'>): boolean {
  return (
    target.provider.freeTier?.scope === 'account' &&
    catalogModel(target)?.free === true &&
    freeLimitsUniform(target.provider)
  );
}

/**
 * Per provider object: its key refs by key id, and its pool ids by key id and model name. A
 * request looks its pool and key up a dozen times (plan, gate, limiter, release): each a string
 * built and hashed, where a cached one costs two map lookups.
 */
const idsOf = new WeakMap<
  Provider,
  { keys: Map<string, string>; pools: Map<string, Map<string, string>> }
>();
/** Entries one cache map holds before it starts over: a client may name any model. */
const MAX_CACHED_IDS = 1024;

function idCache(provider: Provider) {
  let ids = idsOf.get(provider);
  if (ids === undefined) {
    ids = { keys: new Map(), pools: new Map() };
    idsOf.set(provider, ids);
  }
  return ids;
}

/** The state key of the target's pool: provider, key and model (or "*" for an account pool). */
export function poolIdOf(target: Pick<LimiterTarget, 'provider' | 'model' | 'keyId'>): string {
  const { pools } = idCache(target.provider);
  const keyId = target.keyId ?? '';
  let byModel = pools.get(keyId);
  if (byModel === undefined) {
    if (pools.size >= MAX_CACHED_IDS) pools.clear();
    byModel = new Map();
    pools.set(keyId, byModel);
  }
  let id = byModel.get(target.model);
  if (id === undefined) {
    if (byModel.size >= MAX_CACHED_IDS) byModel.clear();
    const model = sharesAccountPool(target) ? '*' : target.model;
    id = `${target.provider.id}|${keyId}|${model}`;
    byModel.set(target.model, id);
  }
  return id;
}

/** The state key of the target's key. */
export function keyRefOf(target: Pick<LimiterTarget, 'provider' | 'keyId'>): string {
  const { keys } = idCache(target.provider);
  const keyId = target.keyId ?? '';
  let ref = keys.get(keyId);
  if (ref === undefined) {
    if (keys.size >= MAX_CACHED_IDS) keys.clear();
    ref = `${target.provider.id}|${keyId}`;
    keys.set(keyId, ref);
  }
  return ref;
}

/** Whether a window counts requests or tokens. */
export function unitOf(window: LimitWindow): 'requests' | 'tokens' {
  return window === 'rpm' || window === 'rpd' || window === 'rps' || window === 'rph'
    ? 'requests'
    : 'tokens';
}

/** What a request counts against a window: 1 request, or its input, output or total tokens. */
export function amountFor(window: LimitWindow, demand: Demand): number {
  if (unitOf(window) === 'requests') return 1;
  if (window === 'itpm') return demand.inputTokens;
  if (window === 'otpm') return demand.outputTokens;
  return demand.inputTokens + demand.outputTokens;
}
