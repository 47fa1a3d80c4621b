/**
 * The dispatch rules: what a failed attempt means for the rest of its request, and what the
 * client is told when no attempt answered. main/proxy/dispatcher.ts is the loop that carries
 * them out; what a failure does to the target itself (a cooldown, a breaker mark, a key set
 * aside) is the limiter's (app/limiter), and when a wait for capacity is worth it is
 * `worthWaiting` (app/limiter/limiter.ts), which the plan preview and the gate both ask.
 */
import type { FailureDecision } from '../ratelimit/classify.ts';
import { exhaustedAnswer, SKIP_KIND, type Skip, type TriedTarget } from './exhaustedAnswer.ts';
import { largerWindowCandidates, type PlanCandidate, type SkippedCandidate } from './plan.ts';

/** After a failed attempt: end the request as our own bug, stop trying, or try the next target. */
export type NextStep = 'our-bug' | 'stop' | 'next';

export function afterFailure(failure: FailureDecision, clientGone: boolean): NextStep {
  if (failure.class === 'our-bug') return 'our-bug';
  return !failure.retryElsewhere || clientGone ? 'stop' : 'next';
}

/**
 * The candidates still to try after a failure: after "too big for this model", only those with a
 * larger context window than the failed model's (`failedWindow`, looked up only then); otherwise
 * all of them.
 */
export function remainingAfter<C extends PlanCandidate>(
  failure: FailureDecision,
  remaining: readonly C[],
  failedWindow: () => number | undefined,
): readonly C[] {
  return failure.class === 'too-big'
    ? largerWindowCandidates(remaining, failedWindow())
    : remaining;
}

/** A candidate the plan left out, as the client's answer words it. */
export function skipOf(skipped: SkippedCandidate): Skip {
  return {
    kind: SKIP_KIND[skipped.reason],
    reason: skipped.message,
    ...(skipped.until !== undefined ? { retryAt: skipped.until } : {}),
    ...(skipped.reason === 'invalid'
      ? { key: `${skipped.candidate.provider.id}/${skipped.candidate.keyId ?? '(no key)'}` }
      : {}),
  };
}

/** What the client gets when no attempt answered and our own code did not fail. */
export type FinalAnswer = {
  status: number;
  message: string;
  code: string;
  retryAfterS?: number;
  /** The attempt whose provider's words are passed back (its provider and model name the answer). */
  from?: TriedTarget;
};

export function finalAnswer(
  failures: readonly TriedTarget[],
  skipped: readonly Skip[],
  now: number,
): FinalAnswer {
  const last = failures.at(-1);
  // Too big for every model tried: the provider's own words say by how much.
  const tooBig = failures.length > 0 && failures.every((f) => f.failure.class === 'too-big');
  if (last && (!last.failure.retryElsewhere || tooBig)) {
    return {
      status: last.info.status || 400,
      message: `${last.upstreamMessage ?? last.failure.reason} (from ${last.info.provider})`,
      code: tooBig ? 'context_length_exceeded' : 'upstream_rejected_request',
      from: last,
    };
  }
  return exhaustedAnswer(failures, skipped, now);
}
