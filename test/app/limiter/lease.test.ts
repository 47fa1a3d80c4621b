/**
 * Journal leases (app/limiter/lease.ts): whatever the takes, what the journal holds for a window
 * is what was taken plus what the pool's lease still holds, so a replay never counts less than
 * was sent and at most one lease more; a covered take writes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  drawLease,
  LEASE_SHARE,
  LEASE_TAKES,
  takeFromLease,
  type Lease,
} from '../../../app/limiter/lease.ts';
import type { Ticket } from '../../../app/limiter/limiter.ts';
import { seedTargets } from '../../../app/limiter/outcomes.ts';
import {
  amountFor,
  EMPTY_LIMITER_STATE,
  poolIdOf,
  type Demand,
  type LimitWindow,
  type PoolState,
} from '../../../app/limiter/state.ts';
import { windowLimit } from '../../../app/limiter/windows.ts';
import { GROQ, GROQ_LOOSE, T0, target } from './fixtures.ts';

const LOOSE = target(GROQ_LOOSE, 'llama-3.1-8b-instant');

function poolOf(t: typeof LOOSE): PoolState {
  const pool = seedTargets(EMPTY_LIMITER_STATE, [t], T0).pools[poolIdOf(t)];
  if (pool === undefined) throw new Error('not seeded');
  return pool;
}

/** One take as the persistence makes it: from the lease when it covers it, else drawn. */
function leaseTake(pool: PoolState, lease: Lease | undefined, t: Ticket) {
  if (lease !== undefined && takeFromLease(lease, t)) return { lease, amounts: undefined };
  return drawLease(pool, lease, t);
}

const ticket = (pool: PoolState, demand: Demand, at = T0): Ticket => ({
  pool: poolIdOf(LOOSE),
  at,
  demand,
  charged: pool.windows.map((w) => w.window),
});

describe('journal leases', () => {
  it('the first take writes itself and a lease; the next ones like it write nothing until it runs out', () => {
    const pool = poolOf(LOOSE);
    const demand = { inputTokens: 10, outputTokens: 0 };
    let lease: Lease | undefined;
    const writes: number[] = [];
    for (let i = 0; i < 2 * (LEASE_TAKES + 1); i++) {
      const leased = leaseTake(pool, lease, ticket(pool, demand));
      if (leased.amounts !== undefined) writes.push(i);
      lease = leased.lease;
    }
    expect(writes).toEqual([0, LEASE_TAKES + 1]);
  });

  it('a window too tight for a lease makes each take write exactly itself', () => {
    const tight = target(GROQ, 'llama-3.1-8b-instant');
    const pool = seedTargets(EMPTY_LIMITER_STATE, [tight], T0).pools[poolIdOf(tight)]!;
    const leased = leaseTake(pool, undefined, ticket(pool, { inputTokens: 10, outputTokens: 0 }));
    expect(new Map(leased.amounts)).toEqual(
      new Map(pool.windows.map((w) => [w.window, w.window.startsWith('r') ? 1 : 10])),
    );
    expect([...leased.lease.values()]).toEqual([]);
  });

  it('on disk, per window: every take, plus what the lease holds, which is at most a lease', () => {
    const pool = poolOf(LOOSE);
    const limits = new Map(pool.windows.map((w) => [w.window, windowLimit(w)]));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            inputTokens: fc.integer({ min: 0, max: 200_000 }),
            outputTokens: fc.integer({ min: 0, max: 8_000 }),
          }),
          { minLength: 1, maxLength: 80 },
        ),
        (demands) => {
          let lease: Lease | undefined;
          const onDisk = new Map<LimitWindow, number>();
          const taken = new Map<LimitWindow, number>();
          let largest = new Map<LimitWindow, number>();
          for (const demand of demands) {
            const t = ticket(pool, demand);
            const leased = leaseTake(pool, lease, t);
            for (const [w, n] of leased.amounts ?? []) onDisk.set(w, (onDisk.get(w) ?? 0) + n);
            for (const w of t.charged) {
              const n = amountFor(w, demand);
              taken.set(w, (taken.get(w) ?? 0) + n);
              largest = new Map(largest).set(w, Math.max(largest.get(w) ?? 0, n));
            }
            lease = leased.lease;
          }
          for (const [w, n] of taken) {
            const held = lease?.get(w) ?? 0;
            expect(onDisk.get(w) ?? 0).toBe(n + held);
            expect(held).toBeGreaterThanOrEqual(0);
            expect(held).toBeLessThanOrEqual(
              Math.max(
                Math.min((largest.get(w) ?? 0) * LEASE_TAKES, limits.get(w)! * LEASE_SHARE),
                0,
              ),
            );
          }
        },
      ),
    );
  });
});
