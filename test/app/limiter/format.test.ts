import { describe, expect, it } from 'vitest';
import { formatWait } from '../../../app/limiter/format.ts';

describe('formatWait, the one way a wait is put in words', () => {
  it('keeps tenths under ten seconds, and says what a wait that never ends is', () => {
    expect(formatWait(-5)).toBe('0 ms');
    expect(formatWait(800)).toBe('800 ms');
    expect(formatWait(2500)).toBe('2.5 s');
    expect(formatWait(12_000)).toBe('12 s');
    expect(formatWait(4 * 60_000)).toBe('4 min');
    expect(formatWait(200 * 60_000)).toBe('3 h 20 min');
    expect(formatWait(3 * 86_400_000)).toBe('3 days');
    expect(formatWait(Number.POSITIVE_INFINITY)).toBe('never');
  });
});
