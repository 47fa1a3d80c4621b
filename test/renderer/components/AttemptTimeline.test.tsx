import { describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../../app/admin/types.ts';
import { describeAttempt } from '../../../renderer/src/components/AttemptTimeline.tsx';
import { formatClock, formatDateTime } from '../../../renderer/src/lib/format.ts';

const T0 = Date.UTC(2026, 10, 25, 10, 40);

function attempt(overrides: Partial<AttemptRecord>): AttemptRecord {
  return {
    index: 0,
    startedAt: T0,
    provider: 'groq',
    model: 'llama-3.1-8b-instant',
    keyId: 'groq-1',
    status: 200,
    outcome: 'ok',
    failureClass: null,
    reason: null,
    headersMs: 100,
    firstTokenMs: 210,
    totalMs: 640,
    tokensIn: 10,
    tokensOut: 20,
    costUsd: null,
    hedged: false,
    holdUntil: null,
    ...overrides,
  };
}

describe('describeAttempt', () => {
  it('tells an answer with its times', () => {
    expect(describeAttempt(attempt({}))).toBe('answered in 640 ms, first token at 210 ms');
  });

  it.each([
    {
      what: 'a 429 with how long it took and until when the target cooled down',
      failed: {
        failureClass: 'transient',
        totalMs: 120,
        firstTokenMs: null,
        holdUntil: T0 + 120_000,
        reason: 'Rate-limited by groq.',
      },
      told: `429 after 120 ms, cooled until ${formatClock(T0 + 120_000)}: Rate-limited by groq.`,
    },
    {
      what: 'a spent daily quota as a parked key',
      failed: {
        failureClass: 'exhausted',
        totalMs: 80,
        holdUntil: T0 + 8 * 3_600_000,
        reason: 'Daily quota used up.',
      },
      told: `429 after 80 ms, key parked until ${formatDateTime(T0 + 8 * 3_600_000)}: Daily quota used up.`,
    },
  ] satisfies Array<{ what: string; failed: Partial<AttemptRecord>; told: string }>)(
    'tells $what',
    ({ failed, told }) => {
      expect(describeAttempt(attempt({ status: 429, outcome: 'failed', ...failed }))).toBe(told);
    },
  );

  it('tells a lost race without blaming the provider', () => {
    expect(describeAttempt(attempt({ status: 0, outcome: 'lost-race', totalMs: 300 }))).toBe(
      'lost the race (no answer) after 300 ms',
    );
  });
});
