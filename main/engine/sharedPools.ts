/**
 * The seam between the limiter gate and team mode (main/team): the gate asks it about pools the
 * team shares, after its own limiter has admitted a request, and tells it how each attempt ended.
 * Without one, every pool is local.
 */
import type { AttemptOutcome } from '../../app/limiter/limiter.ts';
import type { Demand, LimiterTarget, PoolState } from '../../app/limiter/state.ts';

/** The team's answer to one admission. */
export type SharedAdmission =
  { ok: true; ticket: SharedTicket } | { ok: false; message: string; retryAt?: number };

/** What the team charged one admitted request, to settle on release. */
export interface SharedTicket {
  readonly id: string;
}

export interface SharedPools {
  /** Whether the target's pool is counted with the team. */
  shares(target: LimiterTarget): boolean;
  /**
   * Takes the request from the team's quota: one round trip to Redis, bounded in time; while
   * Redis is away, the member's share of the quota decides. `pool` already holds this take.
   */
  admit(
    target: LimiterTarget,
    pool: PoolState,
    demand: Demand,
    now: number,
  ): Promise<SharedAdmission>;
  /**
   * Settles a take: the real cost, and what the attempt taught (a cooldown, a park, an open
   * breaker, a window the provider says is spent) for every member. `pool` is after the release.
   */
  release(
    ticket: SharedTicket,
    target: LimiterTarget,
    outcome: AttemptOutcome,
    pool: PoolState | undefined,
  ): void;
}
