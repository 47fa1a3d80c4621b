/**
 * What a client is told when no target of its route answered: the status that tells its SDK
 * whether a retry can help (429 limited, 503 out of rotation, 403 no valid key, 400 nothing may
 * take it, 502 failed), every attempt's and skip's reason, and when capacity returns.
 */
import type { FailureDecision } from '../ratelimit/classify.ts';
import type { SkipReason } from './plan.ts';

/** An attempt that failed before its first byte, as the dispatch rules read it. */
export type TriedTarget = {
  failure: FailureDecision;
  info: { provider: string; model: string; keyId: string | undefined; status: number };
  /** For the caller's own mistakes: the upstream's message. */
  upstreamMessage?: string;
};

/**
 * A candidate not attempted: it cannot serve this kind of request, it has no capacity now, or the
 * route's rules leave it out (privacy, paid budget, a prompt larger than its context window).
 */
export type Skip = {
  kind: 'unsupported' | 'limited' | 'unavailable' | 'privacy' | 'budget' | 'context' | 'invalid';
  reason: string;
  retryAt?: number;
  /** For `invalid`: the key the provider rejected, as `provider/key id` (never the secret). */
  key?: string;
};

export const SKIP_KIND: Record<SkipReason, Skip['kind']> = {
  cooling: 'limited',
  parked: 'limited',
  invalid: 'invalid',
  open: 'unavailable',
  'half-open': 'unavailable',
  'no-capacity': 'limited',
  privacy: 'privacy',
  budget: 'budget',
  context: 'context',
  images: 'unsupported',
  tools: 'unsupported',
};

/** The one answer a client gets when no target could serve: every attempt's reason, and when to retry. */
export function exhaustedAnswer(
  failures: readonly TriedTarget[],
  skipped: readonly Skip[],
  now: number,
): { status: number; message: string; code: string; retryAfterS?: number } {
  const reasons = [...failures.map((f) => f.failure.reason), ...skipped.map((s) => s.reason)].map(
    (r) => r.replace(/\.+$/, ''),
  );
  const rejectedKeys = [
    ...failures
      .filter((f) => f.failure.class === 'key-invalid')
      .map((f) => `${f.info.provider}/${f.info.keyId ?? '(no key)'}`),
    ...skipped.flatMap((s) => (s.kind === 'invalid' && s.key !== undefined ? [s.key] : [])),
  ];
  if (rejectedKeys.length > 0 && rejectedKeys.length === failures.length + skipped.length) {
    // Every target failed on a key the provider refused: waiting or retrying cannot help, and a
    // 429 would make SDKs retry. 403 (not 401: the caller's proxy key is fine) says "refused".
    const keys = [...new Set(rejectedKeys)].map((k) => `"${k}"`).join(', ');
    return {
      status: 403,
      message: `No valid key for this route: the provider rejected ${keys} (${reasons.join('; ')}). Fix or replace the key on the dashboard's Keys page, or check it with \`switchyard keys test <id>\`.`,
      code: 'no_valid_key',
    };
  }
  const limitedSkips = skipped.some(
    (s) => s.kind === 'limited' || s.kind === 'budget' || s.kind === 'unavailable',
  );
  if (failures.length === 0 && !limitedSkips) {
    // Nothing was tried and nothing is merely busy: the route's rules leave no target for this request.
    const privacy = skipped.some((s) => s.kind === 'privacy');
    const context = skipped.some((s) => s.kind === 'context');
    return {
      status: privacy ? 403 : 400,
      message: `No target of this route may take this request: ${reasons.join('; ')}.`,
      code: privacy
        ? 'excluded_by_privacy'
        : context
          ? 'context_length_exceeded'
          : 'unsupported_by_targets',
    };
  }
  const classes = new Set(failures.map((f) => f.failure.class));
  const waits = [
    ...failures.map((f) => f.failure.cooldownUntil ?? f.failure.parkUntil),
    ...skipped.map((s) => s.retryAt),
  ].filter((t): t is number => t !== undefined && t > now);
  const retryAfterS =
    waits.length > 0 ? Math.max(1, Math.ceil((Math.min(...waits) - now) / 1000)) : undefined;
  // Targets out of rotation after server failures, and attempts that failed the same way: an
  // outage, not a rate limit. 503 with retry-after: worth retrying, once a probe may have passed.
  const outage =
    skipped.some((s) => s.kind === 'unavailable') &&
    skipped.every((s) => s.kind === 'unavailable') &&
    failures.every((f) => f.failure.tripsBreaker === true);
  if (outage) {
    return {
      status: 503,
      message: `Every target of this route is out of rotation after repeated failures (${reasons.join('; ')}).${retryAfterS !== undefined ? ` The first is probed again in ${retryAfterS} s.` : ''}`,
      code: 'all_targets_unavailable',
      ...(retryAfterS !== undefined ? { retryAfterS } : {}),
    };
  }
  const allLimited =
    (failures.length === 0 && limitedSkips) ||
    (failures.length > 0 &&
      [...classes].every((c) => c === 'transient' || c === 'exhausted') &&
      failures.some((f) => f.info.status === 429 || f.failure.class === 'exhausted'));
  const status = allLimited ? 429 : 502;
  const message = `No provider could answer (${reasons.length} tried or skipped): ${reasons.join('; ')}.${retryAfterS !== undefined ? ` The earliest capacity returns in ${retryAfterS} s.` : ''}`;
  return {
    status,
    message,
    code: allLimited ? 'all_targets_limited' : 'all_targets_failed',
    ...(retryAfterS !== undefined ? { retryAfterS } : {}),
  };
}
