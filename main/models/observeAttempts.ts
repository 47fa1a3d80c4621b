import type { RequestSummary } from '../engine/dispatchReport.ts';
import type { ModelWatch } from './modelWatch.ts';

/**
 * Hands each attempt that reached its provider to the model watch: its status, its headers
 * (Deprecation, Sunset) and what it said when it failed (the classifier's reason, and for the
 * last attempt the message the client got, which carries the provider's own words).
 */
export function observeAttempts(watch: ModelWatch, summary: RequestSummary): void {
  const last = summary.attempts.at(-1);
  for (const attempt of summary.attempts) {
    if (attempt.outcome === 'skipped' || attempt.outcome === 'aborted') continue;
    // Joined by hand: runs for every request, mostly with nothing to join.
    const reason = attempt.failure?.reason;
    const told = attempt === last ? summary.error : undefined;
    const said =
      reason === undefined ? (told ?? '') : told === undefined ? reason : `${reason} ${told}`;
    watch.observe({
      provider: attempt.provider,
      model: attempt.model,
      status: attempt.status,
      headers: attempt.upstreamHeaders ?? {},
      errorText: said === '' ? null : said,
    });
  }
}
