/**
 * An admission to a pool the team shares (team mode): the local limiter admits first (its own
 * windows, queue and wait), then the team, in one round trip. A team refusal hands the local
 * take back (as a request the provider refused unprocessed) and waits, within the route's wait,
 * for the team's retry time, then asks again.
 */
import type { LimiterTarget, PoolState } from '../../app/limiter/state.ts';
import type { Ticket } from '../../app/limiter/limiter.ts';
import { outcomeOf } from './attemptOutcome.ts';
import type { Admission, CapacityGate } from './capacityGate.ts';
import type { GateTimers } from './limiterGate.ts';
import type { ProxyRequest } from '../../app/formats/proxyRequest.ts';
import type { SharedPools } from './sharedPools.ts';
import type { Candidate } from './targets.ts';

/** A local take, with the pool as that take left it. */
export interface Taken {
  target: LimiterTarget;
  ticket: Ticket;
  /**
   * The pool holding this take and those made before it, not the ones made since: a burst's
   * takes all wait for the journal's commit before the team is asked, and a member counting
   * alone judges each by its own place in the burst, or no take of a burst past the share fits.
   */
  pool: PoolState | undefined;
}

/** What the limiter gate lends a shared admission. */
export interface SharedAcquireDeps {
  team: SharedPools;
  clock: () => number;
  timers: GateTimers;
  /** Wake-ups of admissions sleeping until the team's retry time; the gate's stop runs them. */
  sleepers: Set<() => void>;
  /** The local limiter's own acquire. */
  acquireLocal: CapacityGate['acquire'];
  /** What the local limiter granted an admission: the target, the ticket, and its `Taken.pool`. */
  takenOf(admission: Admission): Taken | undefined;
  /** The pool as it is now (after a release, for the team's settlement). */
  poolOf(id: string): PoolState | undefined;
  handBack(target: LimiterTarget, ticket: Ticket): void;
  stopped(): boolean;
}

/** Sleeps on the gate's timers; an abort or the gate's stop ends the sleep early. */
function pause(deps: SharedAcquireDeps, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      deps.timers.clearTimeout(handle);
      signal.removeEventListener('abort', done);
      deps.sleepers.delete(done);
      resolve();
    };
    const handle = deps.timers.setTimeout(done, ms);
    deps.sleepers.add(done);
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function acquireShared(
  deps: SharedAcquireDeps,
  candidate: Candidate,
  req: ProxyRequest,
  waitMs: number,
  signal: AbortSignal,
): Promise<Admission> {
  const { team, clock } = deps;
  const deadline = clock() + Math.max(0, waitMs);
  for (;;) {
    const local = await deps.acquireLocal(candidate, req, deadline - clock(), signal);
    const taken = deps.takenOf(local);
    if (!local.ok || taken === undefined) return local;
    const { target, ticket, pool } = taken;
    if (pool === undefined) return local;
    const answer = await team.admit(target, pool, ticket.demand, clock());
    if (answer.ok) {
      return {
        ok: true,
        release: (info) => {
          local.release(info);
          team.release(answer.ticket, target, outcomeOf(info), deps.poolOf(ticket.pool));
        },
      };
    }
    deps.handBack(target, ticket);
    const retryAt = answer.retryAt;
    if (retryAt === undefined || retryAt > deadline || signal.aborted || deps.stopped()) {
      return retryAt === undefined
        ? { ok: false, reason: answer.message }
        : { ok: false, reason: answer.message, retryAt };
    }
    await pause(deps, Math.max(1, retryAt - clock()), signal);
  }
}
