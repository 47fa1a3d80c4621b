import { describe, expect, it } from 'vitest';
import { localMidnight } from '../../../app/routing/budgetDay.ts';
import { PaidSpend } from '../../../main/engine/paidSpend.ts';
import { attempt } from '../store/records.ts';

const NOON = new Date(2026, 10, 25, 12, 0, 0).getTime();

describe('PaidSpend', () => {
  it('serves what paid attempts cost each route today, and starts again at local midnight', () => {
    let now = NOON;
    const spend = new PaidSpend(
      () => now,
      (keyId) => keyId === 'openai-1',
      [{ route: 'fast', keyId: 'openai-1', usd: 0.5 }],
    );
    expect(spend.record('fast', [attempt(now, { keyId: 'groq-1', costUsd: 9 })])).toBe(false);
    expect(spend.record('fast', [attempt(now, { keyId: 'openai-1', costUsd: 0.25 })])).toBe(true);
    expect(spend.view()).toEqual({ since: localMidnight(NOON), byRoute: { fast: 0.75 } });
    now = NOON + 24 * 3_600_000;
    expect(spend.view()).toEqual({ since: localMidnight(now), byRoute: {} });
  });

  it('moves to the next day exactly at each local midnight, through clock changes both ways', () => {
    const zone = process.env.TZ;
    // Berlin's clocks jump forward on 29 March 2026 and back on 25 October: 23- and 25-hour days.
    process.env.TZ = 'Europe/Berlin';
    try {
      for (const start of [Date.UTC(2026, 2, 27), Date.UTC(2026, 9, 23)]) {
        let now = start;
        const spend = new PaidSpend(
          () => now,
          () => true,
          [],
        );
        for (; now < start + 5 * 86_400_000; now += 7 * 60_000 + 1)
          expect(spend.view().since).toBe(localMidnight(now));
        for (const step of [1, -1]) {
          now = localMidnight(start + 2 * 86_400_000) - step;
          expect(spend.view().since).toBe(localMidnight(now));
          now += step;
          expect(spend.view().since).toBe(localMidnight(now));
        }
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});
