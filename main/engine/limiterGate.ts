/**
 * The limiter as the dispatcher meets it: a CapacityGate over app/limiter's pure state. It holds
 * the state, the clock and the timers; every decision is app/limiter's.
 *
 * acquire() admits at once when the target's pool has room. Otherwise, when the route allows a
 * wait, the request queues, first in first out, behind others for the same pool, and is admitted
 * when room returns (at the window's refill time, or when a request in flight is released), or
 * refused when its wait runs out, its client hangs up or the gate stops. It is refused at once
 * when the route does not wait, when room cannot return within the wait (a parked key, a daily
 * quota), when the request can never fit, or when {@link DEFAULT_MAX_WAITERS} requests already
 * wait for the pool: a bound, so a stalled provider cannot pile up unbounded memory.
 */
import {
  admit,
  type AttemptOutcome,
  demandOn,
  worthWaiting,
  type Refusal,
  type Ticket,
} from '../../app/limiter/limiter.ts';
import {
  clearKey as clearKeyState,
  release as releaseState,
  seedTargets,
} from '../../app/limiter/outcomes.ts';
import {
  poolIdOf,
  type Demand,
  type LimiterState,
  type LimiterTarget,
} from '../../app/limiter/state.ts';
import type { LimiterStore } from '../../app/limiter/store.ts';
import { LEASE_TAKES } from '../../app/limiter/lease.ts';
import { limiterView, type LimiterView } from '../../app/limiter/view.ts';
import type { Admission, AttemptInfo, CapacityGate } from './capacityGate.ts';
import type { ProxyRequest } from '../../app/formats/proxyRequest.ts';
import { outcomeOf } from './attemptOutcome.ts';
import { limiterTargetOf } from './seedTargets.ts';
import { createLimiterPersistence, restoreLimiter, type GateTimers } from './limiterPersistence.ts';
import { acquireShared, type SharedAcquireDeps, type Taken } from './sharedAcquire.ts';
import type { SharedPools } from './sharedPools.ts';
import type { Candidate } from './targets.ts';

/** Most requests that may wait for one pool at once; the next is refused at once. */
export const DEFAULT_MAX_WAITERS = 256;

export type { GateTimers } from './limiterPersistence.ts';

export interface LimiterGateOptions {
  clock: () => number;
  timers?: GateTimers;
  store?: LimiterStore;
  maxWaitersPerPool?: number;
  /** Saves at most this often while counts change; default 1000 ms. */
  saveEveryMs?: number;
  /** Calls onChange at most this often; default 250 ms. */
  notifyEveryMs?: number;
  /** Takes a pool's journal lease covers; default LEASE_TAKES, 0 writes every take. */
  leaseTakes?: number;
  /** The limiter moved (quota taken, learned, cooling...): what the dashboard's gauges redraw. */
  onChange?: (view: LimiterView, state: LimiterState) => void;
  /** A store that failed to load or save. The gate carries on with what it has in memory. */
  onError?: (error: unknown) => void;
  /** Team mode: pools it shares are admitted by the team as well (main/team). */
  shared?: SharedPools;
}

export interface LimiterGate extends CapacityGate {
  /** The current state, for planRoute and the plan preview. */
  state(): LimiterState;
  view(): LimiterView;
  /** Seeds pools for these targets (call on start and when config or catalog change). */
  seed(targets: readonly LimiterTarget[]): void;
  /** Forgets a key's invalid mark, cooldowns and parks (the user replaced or re-tested it). */
  clearKey(providerId: string, keyId: string | undefined): void;
  /** Saves, cancels timers and refuses every waiting request. */
  stop(): void;
}

const NODE_TIMERS: GateTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Waiter {
  target: LimiterTarget;
  demand: Demand;
  deadline: number;
  resolve: (admission: Admission) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

interface Queue {
  waiters: Waiter[];
  timer?: unknown;
  timerAt?: number;
}

function refuse(reason: string, retryAt?: number): Admission {
  return retryAt === undefined ? { ok: false, reason } : { ok: false, reason, retryAt };
}

function refusalOf(refusal: Refusal): Admission {
  return refuse(refusal.message, refusal.retryAt);
}

/**
 * An admission as this gate grants it, with whether its take is not on disk yet (persistence's
 * `take`): only then does it wait for the journal's commit.
 */
type Granting = Extract<Admission, { ok: true }> & { readonly awaitsWrite: boolean };

/** A take handed back unused: settled like a request the provider refused before any work. */
const HANDED_BACK: AttemptOutcome = { status: 429 };

/** A CapacityGate over app/limiter, with a bounded FIFO wait per pool and throttled persistence. */
export function createLimiterGate(options: LimiterGateOptions): LimiterGate {
  const { clock, shared } = options;
  const timers = options.timers ?? NODE_TIMERS;
  const maxWaiters = options.maxWaitersPerPool ?? DEFAULT_MAX_WAITERS;
  const queues = new Map<string, Queue>();
  /** Local admissions with their ticket, so one the team refuses can be handed back. */
  const granted = new WeakMap<Admission, Taken>();
  let stopped = false;
  /** Admissions granted, not yet released or handed back: one with none beside it is alone. */
  let inFlight = 0;
  const report = (error: unknown) => options.onError?.(error);
  const restored = restoreLimiter(options.store, clock, report);
  let state: LimiterState = restored.state;
  const persistence = createLimiterPersistence({
    clock,
    timers,
    store: options.store,
    unapplied: restored.unapplied,
    saveEveryMs: options.saveEveryMs ?? 1000,
    notifyEveryMs: options.notifyEveryMs ?? 250,
    leaseTakes: options.leaseTakes ?? LEASE_TAKES,
    onChange: options.onChange,
    report,
    current: () => state,
  });
  const changed = persistence.changed;

  /** Applies journalled takes of the target's pool once the pool exists (seeded now if need be). */
  function adopt(targets: readonly LimiterTarget[]): void {
    state = persistence.adopt(state, targets);
  }

  function admission(target: LimiterTarget, ticket: Ticket): Admission {
    const awaitsWrite = persistence.take(ticket);
    inFlight++;
    let released = false;
    const granting: Granting = {
      ok: true,
      awaitsWrite,
      release: (info: AttemptInfo) => {
        if (released) return;
        released = true;
        inFlight--;
        const outcome = outcomeOf(info);
        state = releaseState(state, target, ticket, outcome, clock());
        persistence.settle(ticket, outcome);
        changed();
        if (info.failure?.class === 'key-invalid') {
          // Every pool of the key: its waiters are refused now rather than at their deadline.
          const prefix = `${target.provider.id}|${target.keyId ?? ''}|`;
          for (const id of [...queues.keys()]) if (id.startsWith(prefix)) pump(id);
        } else {
          pump(ticket.pool);
        }
      },
    };
    // Only the team hands an admission back; without one, no weak entry per request for the
    // collector to process.
    if (shared !== undefined)
      granted.set(granting, { target, ticket, pool: state.pools[ticket.pool] });
    return granting;
  }

  function handBack(target: LimiterTarget, ticket: Ticket): void {
    inFlight--;
    state = releaseState(state, target, ticket, HANDED_BACK, clock());
    persistence.settle(ticket, HANDED_BACK);
    changed();
    pump(ticket.pool);
  }

  function settle(queue: Queue, waiter: Waiter, result: Admission): void {
    const index = queue.waiters.indexOf(waiter);
    if (index !== -1) queue.waiters.splice(index, 1);
    waiter.signal.removeEventListener('abort', waiter.onAbort);
    waiter.resolve(result);
  }

  function timedOut(waiter: Waiter): Admission {
    const { provider, model } = waiter.target;
    return refuse(`No capacity came back within the route's wait (${provider.name}, ${model}).`);
  }

  /**
   * Admits waiters from the head of the pool's queue while there is room, refuses those whose
   * wait is over or whose room cannot come back in time, and re-arms the pool's timer.
   */
  function pump(id: string): void {
    const queue = queues.get(id);
    if (queue === undefined) return;
    const now = clock();
    let headRetryAt: number | undefined;
    while (queue.waiters.length > 0) {
      const head = queue.waiters[0] as Waiter;
      const result = admit(state, head.target, head.demand, now);
      if (result.ok) {
        state = result.state;
        changed();
        settle(queue, head, admission(head.target, result.ticket));
      } else if (head.deadline <= now) {
        settle(queue, head, timedOut(head));
      } else if (!worthWaiting(result, now, head.deadline - now)) {
        settle(queue, head, refusalOf(result));
      } else {
        headRetryAt = result.retryAt;
        break;
      }
    }
    for (const waiter of [...queue.waiters]) {
      if (waiter.deadline <= now) settle(queue, waiter, timedOut(waiter));
    }
    arm(id, queue, headRetryAt);
  }

  function arm(id: string, queue: Queue, headRetryAt: number | undefined): void {
    if (queue.waiters.length === 0) {
      if (queue.timer !== undefined) timers.clearTimeout(queue.timer);
      queues.delete(id);
      return;
    }
    let at = headRetryAt ?? Number.POSITIVE_INFINITY;
    for (const waiter of queue.waiters) at = Math.min(at, waiter.deadline);
    if (queue.timer !== undefined && queue.timerAt === at) return;
    if (queue.timer !== undefined) timers.clearTimeout(queue.timer);
    queue.timerAt = at;
    queue.timer = timers.setTimeout(
      () => {
        queue.timer = undefined;
        queue.timerAt = undefined;
        pump(id);
      },
      Math.max(0, at - clock()),
    );
  }

  /**
   * An admission is handed out only once its take is committed to the journal, so a request
   * never reaches the provider uncounted on disk. A store that fails to commit is reported and
   * the request goes ahead: the engine does not stop serving for its disk. Admitted at once (the
   * usual case), no promise is made but the one the commit resolves. An admission alone (one
   * client, one request at a time) is written at once: no other can share its write, and
   * waiting for the iteration's end would hold the upstream call back by a loop turn.
   */
  function afterCommit(pending: Admission | Promise<Admission>): Promise<Admission> {
    return pending instanceof Promise ? pending.then(whenCommitted) : whenCommitted(pending);
  }

  function whenCommitted(admitted: Admission): Promise<Admission> {
    // An admission whose take is on disk already (or counts nothing) waits for no write, not even others'.
    const waits = admitted.ok && (admitted as Partial<Granting>).awaitsWrite !== false;
    const commit = waits ? persistence.committed(inFlight <= 1) : undefined;
    if (commit === undefined) return Promise.resolve(admitted);
    return commit.then(
      () => admitted,
      (error: unknown) => {
        report(error);
        return admitted;
      },
    );
  }

  /** The admission or refusal when it is known at once; a promise when the request waits. */
  function acquire(
    candidate: Candidate,
    req: ProxyRequest,
    waitMs: number,
    signal: AbortSignal,
  ): Admission | Promise<Admission> {
    if (stopped) return refuse('The engine is stopping.');
    if (signal.aborted) return refuse('The client closed the request.');
    const target = limiterTargetOf(candidate);
    adopt([target]);
    const demand = demandOn(target, req.promptChars, req.maxTokens);
    const id = poolIdOf(target);
    const now = clock();
    const queue = queues.get(id);
    const result = admit(state, target, demand, now);
    if (queue === undefined || queue.waiters.length === 0) {
      if (result.ok) {
        state = result.state;
        changed();
        return admission(target, result.ticket);
      }
    }
    const deadline = now + Math.max(0, waitMs);
    if (!result.ok && !worthWaiting(result, now, waitMs)) return refusalOf(result);
    const waiting = queue?.waiters.length ?? 0;
    if (waitMs <= 0) {
      return refuse(
        `${waiting} requests are already waiting for ${candidate.provider.name} (${candidate.model}).`,
      );
    }
    if (waiting >= maxWaiters) {
      return refuse(
        `${candidate.provider.name} (${candidate.model}) has ${waiting} requests waiting already, the most the gate holds.`,
      );
    }
    return new Promise<Admission>((resolve) => {
      const current = queues.get(id) ?? { waiters: [] };
      queues.set(id, current);
      const waiter: Waiter = {
        target,
        demand,
        deadline,
        resolve,
        signal,
        onAbort: () => {
          settle(current, waiter, refuse('The client closed the request.'));
          pump(id);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      current.waiters.push(waiter);
      pump(id);
    });
  }

  const sleepers = new Set<() => void>();
  const teamDeps = (team: SharedPools): SharedAcquireDeps => ({
    team,
    clock,
    timers,
    sleepers,
    acquireLocal: (candidate, req, waitMs, signal) =>
      afterCommit(acquire(candidate, req, waitMs, signal)),
    takenOf: (admission) => granted.get(admission),
    poolOf: (id) => state.pools[id],
    handBack,
    stopped: () => stopped,
  });

  return {
    acquire: (candidate, req, waitMs, signal) =>
      shared !== undefined && shared.shares(limiterTargetOf(candidate))
        ? acquireShared(teamDeps(shared), candidate, req, waitMs, signal)
        : afterCommit(acquire(candidate, req, waitMs, signal)),
    state: () => state,
    view: () => limiterView(state, clock()),
    seed(targets) {
      const before = state;
      state = seedTargets(state, targets, clock());
      if (state !== before) persistence.seeded();
      adopt(targets);
    },
    clearKey(providerId, keyId) {
      state = clearKeyState(state, providerId, keyId);
      changed();
      const prefix = `${providerId}|${keyId ?? ''}|`;
      for (const id of [...queues.keys()]) if (id.startsWith(prefix)) pump(id);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      for (const wake of [...sleepers]) wake();
      for (const queue of queues.values()) {
        if (queue.timer !== undefined) timers.clearTimeout(queue.timer);
        for (const waiter of [...queue.waiters])
          settle(queue, waiter, refuse('The engine is stopping.'));
      }
      queues.clear();
      persistence.stop();
    },
  };
}
