/**
 * The plan for one request: which of the route's candidates to try, in order, and why each of
 * the others is left out. The dispatcher walks the plan; the chain editor's preview calls this
 * very function, so it stays pure and cheap (it runs on every request).
 *
 * Which route a request takes is rules.ts's; the plan only filters and orders that route's
 * candidates (capabilities from the catalog, privacy, budget, the limiter).
 */
import type { Model } from '../catalog/model.ts';
import type { DataPolicy, Provider } from '../catalog/schema.ts';
import type { Route } from '../config/schema.ts';
import { checkAdmit, demandOn, targetStatus, worthWaiting } from '../limiter/limiter.ts';
import { formatWait } from '../limiter/format.ts';
import { catalogModel, type KeyTier, type LimiterState } from '../limiter/state.ts';
import { isValidTimeZone, nextReset } from '../ratelimit/resetTime.ts';
import { estimateTokens } from '../limiter/tokenBucket.ts';

/** One resolved candidate: a provider, a model and the key to use, with the key's tier. */
export interface PlanCandidate {
  provider: Provider;
  model: string;
  /** undefined for keyless local servers. */
  keyId: string | undefined;
  tier: KeyTier;
}

/** What the plan needs to know about the request. */
export interface RequestFacts {
  /** Characters of prompt text (the server's count, images at a fixed size). */
  promptChars: number;
  maxTokens?: number;
  hasTools: boolean;
  /** The prompt holds an image (requestShape's holdsImage). */
  hasImages?: boolean;
  /** The prompt looked sensitive to app/privacy's detectSensitive. */
  sensitive: boolean;
}

/** Everything a plan depends on; nothing is read from elsewhere. */
export interface PlanInput<C extends PlanCandidate = PlanCandidate> {
  /** The route's targets expanded to keys, in chain order (a provider's keys side by side). */
  candidates: readonly C[];
  /** undefined for a direct `provider/model` request. */
  route: Route | undefined;
  limiter: LimiterState;
  request: RequestFacts;
  /** settings.detectSensitive: a request flagged sensitive is treated as on a sensitive route. */
  detectSensitive: boolean;
  /** What paid keys have cost this route since local midnight, in USD. */
  paidSpendTodayUsd: number;
  now: number;
  /**
   * The user's IANA time zone, for when "today" ends; without it the budget skip has no `until`.
   * Read only for that skip: reading it loads ICU's zone data (~8 MB) into the process.
   */
  timeZone?: () => string;
}

/** Why a candidate was left out of the plan. `open`/`half-open`: its circuit breaker's state. */
export type SkipReason =
  | 'cooling'
  | 'parked'
  | 'invalid'
  | 'open'
  | 'half-open'
  | 'privacy'
  | 'budget'
  | 'context'
  | 'images'
  | 'tools'
  | 'no-capacity';

/** A candidate left out of the plan, and why, in words for the request log and the preview. */
export interface SkippedCandidate<C extends PlanCandidate = PlanCandidate> {
  candidate: C;
  reason: SkipReason;
  /** Epoch ms after which the reason no longer holds, where that is known. */
  until?: number;
  message: string;
}

/** The outcome of {@link planRoute}. */
export interface RoutePlan<C extends PlanCandidate = PlanCandidate> {
  /** The candidates to try, in order (the input array itself when none was skipped). */
  candidates: readonly C[];
  skipped: Array<SkippedCandidate<C>>;
  /** Kept candidates with no room now that the route waits for; absent when there are none. */
  waiting?: readonly C[];
}

type TrainingField = keyof Pick<DataPolicy, 'trainsOnFreeInputs' | 'trainsOnPaidInputs'>;

/** A policy that does not say "no" may train on or keep the inputs: unsafe for sensitive data. */
function privacyProblem(
  candidate: PlanCandidate,
): { field: TrainingField; value: string } | undefined {
  if (candidate.provider.local) return undefined;
  const field: TrainingField =
    candidate.tier === 'paid' ? 'trainsOnPaidInputs' : 'trainsOnFreeInputs';
  const value = candidate.provider.dataPolicy[field];
  return value === 'no' ? undefined : { field, value };
}

function label(candidate: PlanCandidate): string {
  const key = candidate.keyId === undefined ? '' : ` key "${candidate.keyId}"`;
  return `${candidate.provider.name}${key} (${candidate.model})`;
}

function usd(amount: number): string {
  return `$${Number.isInteger(amount) ? amount : amount.toFixed(2)}`;
}

/**
 * Plans one request: the candidates to try, in chain order, and those left out with a reason.
 *
 * A candidate is left out, first reason wins, when:
 * - privacy: the route is sensitive (or the request was detected sensitive with
 *   `detectSensitive` on) and the provider's data policy for the key's tier is not "no"
 *   (`trainsOnFreeInputs` for free keys, `trainsOnPaidInputs` for paid; "yes", "opt-out" and
 *   "unknown" all count as unsafe; local providers are always safe);
 * - context: the prompt, at about 4 characters per token, is larger than the model's context
 *   window or its per-request input limit;
 * - images, tools: the catalog says the model takes no images or no tools (unknown is allowed;
 *   a request for more output than the model gives is sent capped, not skipped);
 * - budget: the key is paid and the route's paid spend today has reached `paidBudgetUsdPerDay`;
 * - invalid, parked, cooling, open, half-open: the limiter's status of the key, its pool or its
 *   circuit breaker, unless the route waits and the target returns within the wait;
 * - no-capacity: the limiter has no room for the request sooner than the route would wait for
 *   it (0 ms when the route spills), or the request is larger than a whole window's limit.
 * Both waits are {@link worthWaiting}'s decision, the gate's own.
 *
 * Nothing is copied when nothing is left out: `candidates` is then the input array itself.
 */
export function planRoute<C extends PlanCandidate>(input: PlanInput<C>): RoutePlan<C> {
  const { candidates, route, request, now } = input;
  const sensitive = route?.privacy === 'sensitive' || (input.detectSensitive && request.sensitive);
  const promptTokens = estimateTokens(request.promptChars);
  const budget = route?.paidBudgetUsdPerDay;
  const budgetSpent = budget !== undefined && input.paidSpendTodayUsd >= budget;
  const waitMs = route?.onLimit.mode === 'wait' ? route.onLimit.maxWaitMs : 0;

  let kept: C[] | undefined;
  let skipped: Array<SkippedCandidate<C>> | undefined;
  let waiting: C[] | undefined;
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[i] as C;
    const skip = skipFor(candidate);
    if (skip === undefined) {
      kept?.push(candidate);
      continue;
    }
    kept ??= candidates.slice(0, i);
    skipped ??= [];
    skipped.push(skip);
  }
  const plan: RoutePlan<C> = { candidates: kept ?? candidates, skipped: skipped ?? [] };
  if (waiting !== undefined) plan.waiting = waiting;
  return plan;

  function skipFor(candidate: C): SkippedCandidate<C> | undefined {
    if (sensitive) {
      const problem = privacyProblem(candidate);
      if (problem !== undefined) {
        const why =
          route?.privacy === 'sensitive'
            ? `route "${route.name}" is marked sensitive`
            : 'the request looks like it holds secrets or personal data';
        return {
          candidate,
          reason: 'privacy',
          message: `${label(candidate)} skipped: ${why}, and ${candidate.provider.name}'s dataPolicy.${problem.field} is "${problem.value}" for ${candidate.tier} keys.`,
        };
      }
    }
    const model = catalogModel(candidate);
    const context = contextProblem(model, promptTokens);
    if (context !== undefined) {
      return { candidate, reason: 'context', message: `${label(candidate)} skipped: ${context}` };
    }
    const capability = capabilityProblem(model, request);
    if (capability !== undefined) {
      return {
        candidate,
        reason: capability.reason,
        message: `${label(candidate)} skipped: ${capability.message}`,
      };
    }
    if (budgetSpent && candidate.tier === 'paid' && route !== undefined) {
      const skip: SkippedCandidate<C> = {
        candidate,
        reason: 'budget',
        message: `${label(candidate)} skipped: the paid budget of ${usd(budget ?? 0)} for route "${route.name}" is spent today; it resets at 00:00 local time.`,
      };
      const until = localMidnight(now, input.timeZone);
      if (until !== undefined) skip.until = until;
      return skip;
    }
    const demand = demandOn(candidate, request.promptChars, request.maxTokens);
    const room = checkAdmit(input.limiter, candidate, demand, now);
    // Whatever keeps the target out for now (a cooldown, a breaker, a full window), the route
    // waits for it when it returns within the wait: the gate decides the same way.
    if (room.ok) return undefined;
    if (worthWaiting(room, now, waitMs)) {
      (waiting ??= []).push(candidate);
      return undefined;
    }
    const status = targetStatus(input.limiter, candidate, now);
    if (status.state !== 'ready') {
      const skip: SkippedCandidate<C> = {
        candidate,
        reason: status.state,
        message: statusMessage(candidate, status.state, status.until, status.reason, now),
      };
      if (status.until !== undefined) skip.until = status.until;
      return skip;
    }
    const skip: SkippedCandidate<C> = { candidate, reason: 'no-capacity', message: room.message };
    if (room.retryAt !== undefined) skip.until = room.retryAt;
    return skip;
  }
}

function contextProblem(model: Model | undefined, promptTokens: number): string | undefined {
  if (model === undefined) return undefined;
  if (model.contextWindow !== undefined && promptTokens > model.contextWindow) {
    return `the prompt (about ${promptTokens} tokens) is larger than the model's context window of ${model.contextWindow} tokens.`;
  }
  const perRequest = model.limits?.inputTokensPerRequest;
  if (perRequest !== undefined && promptTokens > perRequest) {
    return `the prompt (about ${promptTokens} tokens) is larger than the ${perRequest} input tokens a request may carry.`;
  }
  return undefined;
}

function capabilityProblem(
  model: Model | undefined,
  request: RequestFacts,
): { reason: 'images' | 'tools'; message: string } | undefined {
  if (model === undefined) return undefined;
  if (request.hasImages === true && model.vision === false) {
    return {
      reason: 'images',
      message: 'the request holds an image and the model takes text only.',
    };
  }
  if (request.hasTools && model.tools === false) {
    return {
      reason: 'tools',
      message: 'the request defines tools and the model cannot call tools.',
    };
  }
  return undefined;
}

const HELD_WORDS = {
  parked: 'parked (quota used up)',
  cooling: 'cooling down',
  open: 'out of rotation after repeated failures (circuit open)',
} as const;

function statusMessage(
  candidate: PlanCandidate,
  state: 'cooling' | 'parked' | 'invalid' | 'open' | 'half-open',
  until: number | undefined,
  reason: string | undefined,
  now: number,
): string {
  const why = reason === undefined ? '' : ` ${reason}`;
  if (state === 'invalid') return `${label(candidate)} skipped: the key was rejected.${why}`;
  if (state === 'half-open')
    return `${label(candidate)} skipped: recovering from failures; a probe request is out.${why}`;
  const what = HELD_WORDS[state];
  const wait = until === undefined ? '' : ` for ${formatWait(until - now)}`;
  return `${label(candidate)} skipped: ${what}${wait}.${why}`;
}

function localMidnight(now: number, zone: (() => string) | undefined): number | undefined {
  const timeZone = zone?.();
  if (timeZone === undefined || !isValidTimeZone(timeZone)) return undefined;
  return nextReset(now, '00:00', timeZone, 'daily');
}

/**
 * After a "too big for this model" failure: the remaining candidates whose model has a larger
 * context window than the one that failed, in order. Models whose window the catalog does not
 * give are kept (they may be larger). Without the failed model's window nothing can be ruled out,
 * so every remaining candidate is returned.
 */
export function largerWindowCandidates<C extends PlanCandidate>(
  remaining: readonly C[],
  failedModelWindow: number | undefined,
): C[] {
  if (failedModelWindow === undefined) return remaining.slice();
  return remaining.filter((candidate) => {
    const window = catalogModel(candidate)?.contextWindow;
    return window === undefined || window > failedModelWindow;
  });
}
