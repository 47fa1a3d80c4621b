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
});
