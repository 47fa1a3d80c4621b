import type { MockLimits } from './types.ts';

/** One limited quantity: its limit, what is left, and ms until its window ends. */
export interface LimitWindow {
  limit: number;
  remaining: number;
  resetMs: number;
}

export interface LimitSnapshot {
  requestsMinute?: LimitWindow;
  requestsDay?: LimitWindow;
  tokensMinute?: LimitWindow;
  tokensDay?: LimitWindow;
  concurrency?: { limit: number; inFlight: number };
}

export type LimitReason = 'rpm' | 'rpd' | 'tpm' | 'tpd' | 'concurrency';

export type Admission =
  | { ok: true; snapshot: LimitSnapshot; release: () => void }
  | {
      ok: false;
      reason: LimitReason;
      retryAfterMs: number;
      snapshot: LimitSnapshot;
      /** What was used and requested of the refused quantity, for error messages. */
      used: number;
      requested: number;
      limit: number;
    };

interface Counters {
  minuteStart: number;
  minuteRequests: number;
  minuteTokens: number;
  dayStart: number;
  dayRequests: number;
  dayTokens: number;
  inFlight: number;
}

export interface Limiter {
  /** Counts a request of `tokens` tokens for `scope`, or says which limit refuses it. */
  admit(scope: string, tokens: number): Admission;
  snapshot(scope: string): LimitSnapshot;
  reset(): void;
}

/**
 * Fixed windows that open with the first request after the previous one closed: simple, and
 * the remaining/reset figures in the headers are exact, which is what tests assert on.
 */
export function createLimiter(
  limits: MockLimits,
  clock: { now: () => number; minuteMs: number; dayMs: number },
): Limiter {
  const scopes = new Map<string, Counters>();

  function counters(scope: string): Counters {
    const now = clock.now();
    let c = scopes.get(scope);
    if (!c) {
      c = {
        minuteStart: now,
        minuteRequests: 0,
        minuteTokens: 0,
        dayStart: now,
        dayRequests: 0,
        dayTokens: 0,
        inFlight: 0,
      };
      scopes.set(scope, c);
    }
    if (now >= c.minuteStart + clock.minuteMs) {
      c.minuteStart = now;
      c.minuteRequests = 0;
      c.minuteTokens = 0;
    }
    if (now >= c.dayStart + clock.dayMs) {
      c.dayStart = now;
      c.dayRequests = 0;
      c.dayTokens = 0;
    }
    return c;
  }

  function snapshotOf(c: Counters): LimitSnapshot {
    const now = clock.now();
    const minuteReset = c.minuteStart + clock.minuteMs - now;
    const dayReset = c.dayStart + clock.dayMs - now;
    const window = (limit: number | undefined, used: number, resetMs: number) =>
      limit === undefined ? undefined : { limit, remaining: Math.max(0, limit - used), resetMs };
    return {
      requestsMinute: window(limits.rpm, c.minuteRequests, minuteReset),
      requestsDay: window(limits.rpd, c.dayRequests, dayReset),
      tokensMinute: window(limits.tpm, c.minuteTokens, minuteReset),
      tokensDay: window(limits.tpd, c.dayTokens, dayReset),
      concurrency:
        limits.concurrency === undefined
          ? undefined
          : { limit: limits.concurrency, inFlight: c.inFlight },
    };
  }

  function admit(scope: string, tokens: number): Admission {
    const c = counters(scope);
    const now = clock.now();
    const minuteReset = c.minuteStart + clock.minuteMs - now;
    const dayReset = c.dayStart + clock.dayMs - now;
    const checks: Array<[LimitReason, number | undefined, number, number, number]> = [
      // A slot frees when some request ends; a sixtieth of a "minute" is a fair guess.
      ['concurrency', limits.concurrency, c.inFlight, 1, clock.minuteMs / 60],
      ['rpd', limits.rpd, c.dayRequests, 1, dayReset],
      ['rpm', limits.rpm, c.minuteRequests, 1, minuteReset],
      ['tpd', limits.tpd, c.dayTokens, tokens, dayReset],
      ['tpm', limits.tpm, c.minuteTokens, tokens, minuteReset],
    ];
    for (const [reason, limit, used, requested, retryAfterMs] of checks) {
      if (limit !== undefined && used + requested > limit) {
        return {
          ok: false,
          reason,
          retryAfterMs,
          snapshot: snapshotOf(c),
          used,
          requested,
          limit,
        };
      }
    }
    c.minuteRequests += 1;
    c.dayRequests += 1;
    c.minuteTokens += tokens;
    c.dayTokens += tokens;
    c.inFlight += 1;
    let released = false;
    return {
      ok: true,
      snapshot: snapshotOf(c),
      release: () => {
        if (released) return;
        released = true;
        c.inFlight -= 1;
      },
    };
  }

  return {
    admit,
    snapshot: (scope) => snapshotOf(counters(scope)),
    reset: () => scopes.clear(),
  };
}
