import { expandTargets } from '../../../app/routing/targets.ts';
import type { KeyView } from '../../../app/admin/types.ts';
import type { Catalog } from '../../../app/catalog/schema.ts';
import type { Route } from '../../../app/config/schema.ts';
import { EMPTY_LIMITER_STATE, type LimiterState } from '../../../app/limiter/state.ts';
import {
  planRoute,
  type PlanCandidate,
  type RoutePlan,
  type SkipReason,
} from '../../../app/routing/plan.ts';

/** A candidate of the preview, with what the person knows it by. */
export type PreviewCandidate = PlanCandidate & { keyLabel: string | null };

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

export type PreviewInput = {
  route: Route;
  catalog: Catalog;
  keys: readonly KeyView[];
  /** The engine's limiter state (GET /admin/quota/state); null until it has loaded. */
  limiter: LimiterState | null;
  paidSpendTodayUsd: number;
  detectSensitive: boolean;
  promptChars: number;
  sensitive: boolean;
  /** The previewed request holds an image: text-only models are skipped. */
  hasImages?: boolean;
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

/** Runs the engine's own planRoute on the draft route and the engine's own limiter state. */
export function previewPlan(input: PreviewInput): Preview {
  const { candidates, unusable } = previewCandidates(input.route, input.catalog, input.keys);
  const timeZone = input.timeZone;
  const plan = planRoute({
    candidates,
    route: input.route,
    limiter: input.limiter ?? EMPTY_LIMITER_STATE,
    request: {
      promptChars: input.promptChars,
      hasTools: false,
      hasImages: input.hasImages === true,
      sensitive: input.sensitive,
    },
    detectSensitive: input.detectSensitive,
    paidSpendTodayUsd: input.paidSpendTodayUsd,
    now: input.now,
    ...(timeZone !== undefined ? { timeZone: () => timeZone } : {}),
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
