/**
 * Leases: the journal counts a pool's takes ahead of time, so that most requests need no write
 * of their own before they go upstream. A take the pool's lease covers is already on disk; one
 * it does not cover writes an entry for itself plus a fresh lease. The live state counts exactly
 * what was taken; only a replay after a crash counts the unused rest of a lease, as if it had
 * been sent. So a crash never forgets a take, and counts at most one lease per window more than
 * was spent: {@link LEASE_TAKES} takes like the one that drew it, never more than
 * {@link LEASE_SHARE} of the window's limit (a window of 30 requests a minute gets none).
 */
import { amountFor, type LimitWindow, type PoolState, type WindowState } from './state.ts';
import type { Ticket } from './limiter.ts';
import { windowLimit } from './windows.ts';

/** How many takes like the one that draws it a lease covers (0: none, every take is written). */
export const LEASE_TAKES = 16;

/** The most of a window's limit a lease holds: what a crash may count that was never spent. */
export const LEASE_SHARE = 0.01;

/** What a pool's lease still covers, per window: journalled, not taken yet. */
export type Lease = Map<LimitWindow, number>;

/** The lease a window gets when a take of `amount` draws one covering `takes` like it. */
function leaseSize(w: WindowState | undefined, amount: number, takes: number): number {
  if (w === undefined) return 0;
  return Math.max(0, Math.min(amount * takes, Math.floor(windowLimit(w) * LEASE_SHARE)));
}

/**
 * Takes the ticket's amounts from the pool's `lease` (changed in place) when it covers every
 * charged window, and says whether it did: the take is then on disk already.
 */
export function takeFromLease(lease: Lease, ticket: Ticket): boolean {
  const { charged, demand } = ticket;
  for (const window of charged)
    if ((lease.get(window) ?? 0) < amountFor(window, demand)) return false;
  for (const window of charged)
    lease.set(window, (lease.get(window) ?? 0) - amountFor(window, demand));
  return true;
}

/** What to journal for a take its lease does not cover, and the pool's lease after it. */
export interface DrawnLease {
  /** Per charged window, what the entry counts: the take less what the lease held, plus the new lease. */
  amounts: Array<[LimitWindow, number]>;
  lease: Lease;
}

/**
 * The entry for a take the pool's `lease` (undefined: none yet) does not cover: each charged
 * window's amount tops its lease up to a fresh one, so what is on disk for a window is always
 * what was taken plus what its lease holds.
 */
export function drawLease(
  pool: PoolState | undefined,
  lease: Lease | undefined,
  ticket: Ticket,
  takes: number = LEASE_TAKES,
): DrawnLease {
  const taken = ticket.charged.map((window) => [window, amountFor(window, ticket.demand)] as const);
  const sizes = taken.map(([window, n]) =>
    leaseSize(
      pool?.windows.find((w) => w.window === window),
      n,
      takes,
    ),
  );
  // A window too tight for a lease (30 requests a minute) makes every take of the pool write
  // anyway: the others draw none, which would only be counted after a crash for nothing.
  if (taken.some(([, n], i) => n > 0 && sizes[i] === 0))
    return { amounts: taken.map(([window, n]) => [window, n]), lease: lease ?? new Map() };
  // Windows this take does not charge keep what their lease holds.
  const next: Lease = new Map(lease);
  const amounts = taken.map(([window, n], i): [LimitWindow, number] => {
    const held = lease?.get(window) ?? 0;
    const size = sizes[i] ?? 0;
    // A lease larger than the window's new one (its limit fell) is spent down before more is written.
    next.set(window, Math.max(size, held - n));
    return [window, Math.max(0, n + size - held)];
  });
  return { amounts, lease: next };
}
