import type { LimiterView, LimiterWindowView } from '../../../app/limiter/view.ts';

/**
 * The limiter view of one ready pool, Groq's free llama-3.1-8b-instant on key groq-main, whose
 * daily request window (1,000, as its headers said) stands at `daily`; `more` windows follow it.
 */
export function groqDailyView(
  at: number,
  daily: Pick<LimiterWindowView, 'remaining' | 'resetAt' | 'runsOutAt'>,
  more: LimiterWindowView[] = [],
): LimiterView {
  return {
    at,
    pools: [
      {
        provider: 'groq',
        keyId: 'groq-main',
        model: 'llama-3.1-8b-instant',
        tier: 'free',
        status: { state: 'ready' },
        inFlight: 0,
        windows: [
          { window: 'rpd', unit: 'requests', limit: 1000, source: 'headers', ...daily },
          ...more,
        ],
      },
    ],
  };
}
