/**
 * The pure side of team mode: which pools a team shares, what one admission asks of the shared
 * windows, and the share of a quota a member may use alone while the team's Redis is away. The
 * Redis side (main/team) runs the same arithmetic atomically in Lua; this module decides what
 * to send it, and decides alone while it is unreachable.
 */
import type { Provider } from '../catalog/schema.ts';
import { amountFor, type Demand, type LimitWindow, type PoolState } from '../limiter/state.ts';
import { readWindow, LOG_MARGIN_MS } from '../limiter/windows.ts';

/** How long a member counts as present after its last heartbeat. */
export const MEMBER_TTL_MS = 60_000;

/** One window of a shared pool as the admission script takes it. */
export type SharedWindow =
  | {
      kind: 'log';
      window: LimitWindow;
      limit: number;
      amount: number;
      /** How far back the log reaches: the window plus the limiter's slack. */
      spanMs: number;
    }
  | {
      kind: 'counter';
      window: LimitWindow;
      limit: number;
      amount: number;
      /** Epoch ms of the provider's next reset (in its zone): the counter's key and expiry. */
      resetAt: number;
    };

/**
 * Whether a pool is the team's to share: the provider counts the key's quota per organization,
 * account or project (the catalog's `freeTier.scope`), so every member with a key of it draws
 * on one quota. Keyless local servers and per-key quotas stay local.
 */
export function sharedByScope(provider: Provider, keyId: string | undefined): boolean {
  const scope = provider.freeTier?.scope;
  return keyId !== undefined && (scope === 'org' || scope === 'account' || scope === 'project');
}

/** The windows one request takes from a pool, in the form the admission script checks. */
export function sharedWindows(pool: PoolState, demand: Demand): SharedWindow[] {
  return pool.windows.map((w): SharedWindow => {
    const amount = amountFor(w.window, demand);
    if (w.kind === 'counter') {
      return {
        kind: 'counter',
        window: w.window,
        limit: w.counter.limit,
        amount,
        resetAt: w.counter.resetAt,
      };
    }
    const spanMs = w.windowMs + Math.min(LOG_MARGIN_MS, w.windowMs * 0.05);
    return { kind: 'log', window: w.window, limit: w.bucket.capacity, amount, spanMs };
  });
}

/** A member's share of a limit: an equal part for each member present, at least one unit. */
export function shareOf(limit: number, members: number): number {
  return Math.max(1, Math.floor(limit / Math.max(1, members)));
}

/**
 * While Redis is away, whether this member may keep a take it has made alone: what it counted
 * in each window of `pool` (which already holds the take) must stay within its share of the
 * window's limit. The local pool counts this member's takes in every mode, so no second count
 * is kept. Returns undefined when it fits, else the first window over its share and when it
 * has room again (undefined: unknown).
 */
export function shareRefusal(
  pool: PoolState,
  members: number,
  now: number,
): { retryAt: number | undefined; window: LimitWindow } | undefined {
  for (const w of pool.windows) {
    const reading = readWindow(w, now);
    if (reading.limit - reading.remaining > shareOf(reading.limit, members)) {
      return { retryAt: reading.resetAt, window: w.window };
    }
  }
  return undefined;
}
