/**
 * What the limiter gate keeps outside itself: the state restored from the store on start, the
 * journal of takes and settlements, the throttled snapshot save and the throttled change notice.
 * The queueing gate (limiterGate.ts) owns the state and calls in here when it changes.
 */
import {
  parseJournalEntry,
  replayJournal,
  settleEntry,
  type JournalEntry,
} from '../../app/limiter/journal.ts';
import { drawLease, takeFromLease, type Lease } from '../../app/limiter/lease.ts';
import type { AttemptOutcome, Ticket } from '../../app/limiter/limiter.ts';
import { seedTargets } from '../../app/limiter/outcomes.ts';
import { restore, snapshot } from '../../app/limiter/snapshot.ts';
import {
  EMPTY_LIMITER_STATE,
  poolIdOf,
  type LimiterState,
  type LimiterTarget,
} from '../../app/limiter/state.ts';
import type { LimiterStore } from '../../app/limiter/store.ts';
import { limiterView, type LimiterView } from '../../app/limiter/view.ts';
import type { Timers } from '../timers.ts';

/** Timers in the clock's units, so a simulation can run the gate on scaled or virtual time. */
export type GateTimers = Timers;

/** What the store held at start: the last snapshot with its journal replayed. */
export interface RestoredLimiter {
  state: LimiterState;
  /** Journalled takes of pools not seeded yet; applied when their pool appears. */
  unapplied: JournalEntry[];
}

/** The state saved in `store` with its journal replayed (empty without a store, or when it fails). */
export function restoreLimiter(
  store: LimiterStore | undefined,
  clock: () => number,
  report: (error: unknown) => void,
): RestoredLimiter {
  let state = EMPTY_LIMITER_STATE;
  if (store === undefined) return { state, unapplied: [] };
  try {
    const saved = store.load();
    if (saved !== undefined) state = restore(saved, clock());
    const entries = (store.loadJournal?.() ?? []).flatMap((raw) => {
      const entry = parseJournalEntry(raw);
      return entry === undefined ? [] : [entry];
    });
    return replayJournal(state, entries);
  } catch (error) {
    // A snapshot that loaded stays, even when its journal did not.
    report(error);
    return { state, unapplied: [] };
  }
}

export interface LimiterPersistenceOptions {
  clock: () => number;
  timers: GateTimers;
  store: LimiterStore | undefined;
  /** Journalled takes the restore could not apply yet (`restoreLimiter`). */
  unapplied: JournalEntry[];
  saveEveryMs: number;
  notifyEveryMs: number;
  /** How many takes a pool's lease covers (app/limiter/lease.ts). */
  leaseTakes: number;
  onChange: ((view: LimiterView, state: LimiterState) => void) | undefined;
  report: (error: unknown) => void;
  /** The gate's current state, read when a save or a notice is due. */
  current: () => LimiterState;
}

export interface LimiterPersistence {
  /** The state moved: a save and a change notice are scheduled (each at most once per period). */
  changed(): void;
  /**
   * Pools were seeded or reseeded from the config, nothing else: a change notice only. A restore
   * seeds the same pools from the config again, so a first start or a reload that only seeds
   * never starts the log's writing thread for a save (10 to 20 MB at idle); the next save, after
   * a take or at the stop, holds them.
   */
  seeded(): void;
  /** Applies journalled takes of these targets' pools (seeding the pools if need be). */
  adopt(state: LimiterState, targets: readonly LimiterTarget[]): LimiterState;
  /**
   * Journals what an admission took, and says whether the admission must wait for the commit: it
   * wrote an entry, or the pool's lease that covers it (app/limiter/lease.ts) is not written yet.
   * A ticket that charged no window (its pool has none: a local server, a paid key whose
   * provider has sent no limits yet) has no count a crash could lose: nothing is written for it,
   * nor for its settlement.
   */
  take(ticket: Ticket): boolean;
  /** Journals what an admitted request really cost, when that differs from its charge. */
  settle(ticket: Ticket, outcome: AttemptOutcome): void;
  /**
   * Resolves once every journal entry so far is committed (rejects when the store could not);
   * undefined when the store has no journal. `alone`: no other admission is in flight.
   */
  committed(alone: boolean): Promise<void> | undefined;
  /** Cancels the timers and saves once more. */
  stop(): void;
}

/** Whether a ticket charged a window: only then has it a count the journal must keep. */
const counts = (ticket: Ticket): boolean => ticket.charged.length > 0;

/** A pool's lease, durable once the write of the entry that drew it is committed. */
interface PoolLease {
  pool: string;
  left: Lease;
  durable: boolean;
}

/** Background timers must not keep a process alive on their own. */
function unref(handle: unknown): void {
  (handle as { unref?: () => void } | undefined)?.unref?.();
}

export function createLimiterPersistence(options: LimiterPersistenceOptions): LimiterPersistence {
  const { clock, timers, store, saveEveryMs, notifyEveryMs, onChange, report, current } = options;
  const { leaseTakes } = options;
  /** Journalled takes of pools not seeded yet; applied when their pool appears. */
  let unapplied = options.unapplied;
  let saveTimer: unknown;
  let notifyTimer: unknown;
  let dirty = false;
  let stopped = false;
  const leases = new Map<string, PoolLease>();
  /** Leases drawn since the last commit was asked for: durable when it resolves. */
  let drawn: PoolLease[] = [];

  function save(): void {
    saveTimer = undefined;
    if (!dirty || store === undefined) return;
    dirty = false;
    // The snapshot holds what was taken, and the segments that held the leases are folded into it.
    leases.clear();
    try {
      store.save(snapshot(current(), clock()), unapplied)?.catch(report);
    } catch (error) {
      report(error);
    }
  }

  function notify(): void {
    notifyTimer = undefined;
    try {
      const state = current();
      onChange?.(limiterView(state, clock()), state);
    } catch (error) {
      report(error);
    }
  }

  function notifySoon(): void {
    if (stopped || onChange === undefined || notifyTimer !== undefined) return;
    notifyTimer = timers.setTimeout(notify, notifyEveryMs);
    unref(notifyTimer);
  }

  function changed(): void {
    if (stopped) return;
    dirty = true;
    if (store !== undefined && saveTimer === undefined) {
      saveTimer = timers.setTimeout(save, saveEveryMs);
      unref(saveTimer);
    }
    notifySoon();
  }

  return {
    changed,
    seeded: notifySoon,
    adopt(state, targets) {
      if (unapplied.length === 0) return state;
      const waiting = new Set(unapplied.map((entry) => entry.pool));
      const missing = targets.filter((t) => waiting.has(poolIdOf(t)) && !state.pools[poolIdOf(t)]);
      const seeded = missing.length > 0 ? seedTargets(state, missing, clock()) : state;
      const replayed = replayJournal(seeded, unapplied);
      if (replayed.unapplied.length === unapplied.length) return seeded;
      unapplied = replayed.unapplied;
      changed();
      return replayed.state;
    },
    take(ticket) {
      if (!counts(ticket) || store?.append === undefined) return false;
      const held = leases.get(ticket.pool);
      if (held !== undefined && takeFromLease(held.left, ticket)) return !held.durable;
      const fresh = drawLease(current().pools[ticket.pool], held?.left, ticket, leaseTakes);
      store.append({ kind: 'take', pool: ticket.pool, at: ticket.at, amounts: fresh.amounts });
      const lease: PoolLease = { pool: ticket.pool, left: fresh.lease, durable: false };
      leases.set(ticket.pool, lease);
      drawn.push(lease);
      return true;
    },
    settle(ticket, outcome) {
      if (!counts(ticket) || store?.append === undefined) return;
      const entry = settleEntry(ticket, outcome);
      // A request that cost what it was charged (every request window, a reported usage equal
      // to the estimate) corrects nothing on replay: nothing to write.
      if (entry.amounts.some(([, estimated, actual]) => estimated !== actual)) store.append(entry);
    },
    committed(alone) {
      const commit = store?.committed?.(alone);
      if (commit === undefined || drawn.length === 0) return commit;
      const made = drawn;
      drawn = [];
      commit.then(
        () => {
          for (const lease of made) lease.durable = true;
        },
        () => {
          // Not on disk: the pool's next take writes its own entry again.
          for (const lease of made) if (leases.get(lease.pool) === lease) leases.delete(lease.pool);
        },
      );
      return commit;
    },
    stop() {
      stopped = true;
      if (saveTimer !== undefined) timers.clearTimeout(saveTimer);
      if (notifyTimer !== undefined) timers.clearTimeout(notifyTimer);
      notifyTimer = undefined;
      dirty = dirty || store !== undefined;
      save();
    },
  };
}
