import { describe, expect, it } from 'vitest';
import type { LimiterView } from '../../../app/limiter/view.ts';
import { drawQuotaGauges } from '../../../main/cli/quotaGauges.ts';
import { QuotaForecaster } from '../../../main/models/quotaForecaster.ts';
import { groqDailyView } from './limiterViews.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 4, 14, 0);
const RESET = Date.UTC(2026, 11, 5, 8, 0); // midnight Pacific

const view = (at: number, remaining: number): LimiterView =>
  groqDailyView(at, { remaining, resetAt: RESET }, [
    { window: 'rpm', unit: 'requests', limit: 30, remaining: 30, source: 'catalog' },
  ]);

describe('QuotaForecaster', () => {
  it('forecasts a daily window spent at a known 8 requests a minute, on an injected clock', () => {
    const forecaster = new QuotaForecaster();
    // 30 minutes at 8 a minute: only the last 15 count; 1000 - 240 = 760 left at 14:30.
    let last: LimiterView | undefined;
    for (let m = 0; m <= 30; m++) last = forecaster.annotate(view(T0 + m * MINUTE, 1000 - 8 * m));
    const rpd = last?.pools[0]?.windows[0];
    expect(rpd?.remaining).toBe(760);
    expect(rpd?.runsOutAt).toBe(T0 + 30 * MINUTE + 95 * MINUTE); // 760 / 8 = 95 minutes: 16:05 UTC
    // The per-minute window spends nothing: no forecast.
    expect(last?.pools[0]?.windows[1]?.runsOutAt).toBeUndefined();
  });

  it('drops the forecast when the pace would not empty the window before it resets', () => {
    const forecaster = new QuotaForecaster();
    let last: LimiterView | undefined;
    // 5 in 15 minutes: 995 more would take two days; the day resets at 08:00 UTC.
    for (let m = 0; m <= 15; m++)
      last = forecaster.annotate(view(T0 + m * MINUTE, 1000 - Math.floor(m / 3)));
    expect(last?.pools[0]?.windows[0]?.runsOutAt).toBeUndefined();
  });

  it('counts a pause as a pause: minutes without spending slow the pace', () => {
    const forecaster = new QuotaForecaster();
    for (let m = 0; m <= 5; m++) forecaster.annotate(view(T0 + m * MINUTE, 1000 - 20 * m));
    let last: LimiterView | undefined;
    for (let m = 6; m <= 15; m++) last = forecaster.annotate(view(T0 + m * MINUTE, 900));
    // 100 in 15 minutes: 900 more take 135 minutes.
    expect(last?.pools[0]?.windows[0]?.runsOutAt).toBe(T0 + 15 * MINUTE + 135 * MINUTE);
  });

  it('is drawn in the terminal gauges within 80 columns', () => {
    const forecaster = new QuotaForecaster();
    let last = view(T0, 1000);
    for (let m = 0; m <= 30; m++) last = forecaster.annotate(view(T0 + m * MINUTE, 1000 - 8 * m));
    const lines = drawQuotaGauges(last, T0 + 30 * MINUTE, 80, 'UTC');
    expect(lines).toEqual([
      'Quota:',
      '  groq · groq-main · llama-3.1-8b-instant',
      '    rpd  [████████████░░░░]    760/1000  resets 17h30m  out ~16:05',
      '    rpm  [████████████████]       30/30  full',
    ]);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
  });
});
