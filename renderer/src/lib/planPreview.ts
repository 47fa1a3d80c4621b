import { expandTargets } from '../../../app/routing/targets.ts';
import type { KeyView } from '../../../app/admin/types.ts';
import type { Catalog } from '../../../app/catalog/schema.ts';
import type { Route } from '../../../app/config/schema.ts';
import type { LimiterState, PoolState, WindowState } from '../../../app/limiter/state.ts';
import type { LimiterView, LimiterWindowView } from '../../../app/limiter/view.ts';
import { shortWindowMs } from '../../../app/limiter/windows.ts';
import {
  planRoute,
  type PlanCandidate,
  type RoutePlan,
  type SkipReason,
} from '../../../app/routing/plan.ts';

/** A candidate of the preview, with what the person knows it by. */
export type PreviewCandidate = PlanCandidate & { keyLabel: string | null };

const DAY_MS = 86_400_000;

/** The route's targets as the engine expands them (app/routing/targets.ts), with each key's label. */
export function previewCandidates(
  route: Route,
  catalog: Catalog,
  keys: readonly KeyView[],
): { candidates: PreviewCandidate[]; unusable: string[] } {
  const { candidates, unusable } = expandTargets(
    route.targets,
    (id) => catalog.providers.find((p) => p.id === id),
    keys,
  );
  return {
    candidates: candidates.map(({ provider, model, keyId, tier, key }) => ({
      provider,
      model,
      keyId,
      tier,
      keyLabel: key?.label ?? null,
    })),
    unusable: unusable.map((line) => `${line}.`),
  };
}

function windowFromView(w: LimiterWindowView, at: number): WindowState {
  const limitSource = w.source === 'headers' || w.source === 'local' ? 'headers' : w.source;
  const windowMs = shortWindowMs(w.window);
  if (windowMs === undefined) {
    return {
      kind: 'counter',
      window: w.window,
      limitSource,
      counter: {
        limit: w.limit,
        used: Math.max(0, w.limit - w.remaining),
        resetAt: w.resetAt ?? at + DAY_MS,
        // Only consulted once resetAt has passed, by which time the engine's view is refetched.
        schedule: {
          time: '00:00',
          timeZone: 'UTC',
          kind: w.window === 'tpmonth' ? 'monthly' : 'daily',
        },
      },
    };
  }
  return {
    kind: 'bucket',
    window: w.window,
    windowMs,
    limitSource,
    bucket: {
      capacity: w.limit,
      tokens: w.remaining,
      refillPerMs: windowMs > 0 ? w.limit / windowMs : 0,
      updatedAt: at,
      // The view says when the window is full again: hold the figure until then, as the
      // provider's own "remaining N, resets at T" does in the engine.
      ...(w.resetAt !== undefined && w.remaining < w.limit ? { heldUntil: w.resetAt } : {}),
    },
  };
}

/**
 * The limiter's state as the admin API's quota view describes it: holds and invalid keys
 * exactly, each window as "this much left until it is full again at resetAt". Pools the view
 * does not list are seeded from the catalog by the limiter itself, as in the engine.
 */
export function limiterStateFromView(view: LimiterView): LimiterState {
  const pools: Record<string, PoolState> = {};
  const keys: LimiterState['keys'] = {};
  for (const p of view.pools) {
    const keyId = p.keyId ?? '';
    const pool: PoolState = {
      provider: p.provider,
      keyId,
      model: p.model,
      tier: p.tier,
      windows: p.windows.map((w) => windowFromView(w, view.at)),
      inFlight: p.inFlight,
      inFlightTokens: 0,
    };
    if (p.concurrency !== undefined) pool.concurrency = p.concurrency;
    const { state, until, reason = '' } = p.status;
    if (state === 'cooling' && until !== undefined) pool.cooling = { until, reason };
    if (state === 'parked' && until !== undefined) pool.parked = { until, reason };
    if (state === 'invalid') {
      (keys as Record<string, LimiterState['keys'][string]>)[`${p.provider}|${keyId}`] = {
        provider: p.provider,
        keyId,
        invalid: { since: view.at, reason },
      };
    }
    pools[`${p.provider}|${keyId}|${p.model ?? '*'}`] = pool;
  }
  return { pools, keys };
}

export type PreviewInput = {
  route: Route;
  catalog: Catalog;
  keys: readonly KeyView[];
  quota: LimiterView | null;
  paidSpendTodayUsd: number;
  detectSensitive: boolean;
  promptChars: number;
  sensitive: boolean;
  now: number;
  timeZone?: string;
};

export type Preview = {
  /** Every candidate of the chain, in chain order. */
  candidates: PreviewCandidate[];
  plan: RoutePlan<PreviewCandidate>;
  unusable: string[];
};

/** One line of the preview, in chain order. */
export type PreviewRow =
  | { kind: 'serves'; candidate: PreviewCandidate }
  | { kind: 'fallback'; candidate: PreviewCandidate; position: number }
  | {
      kind: 'skipped';
      candidate: PreviewCandidate;
      reason: SkipReason;
      until?: number;
      message: string;
    };

/** Runs the engine's own planRoute on the draft route and the engine's current quota. */
export function previewPlan(input: PreviewInput): Preview {
  const { candidates, unusable } = previewCandidates(input.route, input.catalog, input.keys);
  const plan = planRoute({
    candidates,
    route: input.route,
    limiter: input.quota ? limiterStateFromView(input.quota) : { pools: {}, keys: {} },
    request: { promptChars: input.promptChars, hasTools: false, sensitive: input.sensitive },
    detectSensitive: input.detectSensitive,
    paidSpendTodayUsd: input.paidSpendTodayUsd,
    now: input.now,
    ...(input.timeZone !== undefined ? { timeZone: input.timeZone } : {}),
  });
  return { candidates, plan, unusable };
}

/**
 * The chain in its own order, each candidate marked: the one that serves now, the fallbacks
 * behind it (by their place in the plan), and the skipped ones with the plan's reason.
 */
export function previewRows(preview: Preview): PreviewRow[] {
  const kept = new Map(preview.plan.candidates.map((c, i) => [c, i]));
  const skipped = new Map(preview.plan.skipped.map((s) => [s.candidate, s]));
  const rows: PreviewRow[] = [];
  for (const candidate of preview.candidates) {
    const position = kept.get(candidate);
    const skip = skipped.get(candidate);
    if (position === 0) rows.push({ kind: 'serves', candidate });
    else if (position !== undefined) rows.push({ kind: 'fallback', candidate, position });
    else if (skip !== undefined) {
      rows.push({
        kind: 'skipped',
        candidate,
        reason: skip.reason,
        message: skip.message,
        ...(skip.until !== undefined ? { until: skip.until } : {}),
      });
    }
  }
  return rows;
}
