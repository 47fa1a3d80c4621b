/**
 * SharedPools over Redis: each admission of a shared pool is one atomic script in Redis (see
 * scripts.ts), each release settles the real cost and shares what the attempt taught. While
 * Redis is away the member keeps to its share of each quota (app/team/share.ts) and lists what
 * it took, to merge into the team's counts when Redis returns.
 */
import type { AttemptOutcome } from '../../app/limiter/limiter.ts';
import { actualFor } from '../../app/limiter/outcomes.ts';
import {
  poolIdOf,
  type Demand,
  type LimiterTarget,
  type PoolState,
} from '../../app/limiter/state.ts';
import { readWindow, WINDOW_LABELS } from '../../app/limiter/windows.ts';
import {
  sharedByScope,
  sharedWindows,
  shareRefusal,
  type SharedWindow,
} from '../../app/team/share.ts';
import type { SharedAdmission, SharedPools, SharedTicket } from '../engine/sharedPools.ts';
import type { RedisLink } from './redisLink.ts';

/** Most takes remembered while Redis is away; the oldest go first (their windows end first). */
const MAX_UNMERGED = 10_000;

export interface TeamPoolsOptions {
  link: RedisLink;
  team: string;
  memberId: string;
  clock: () => number;
  /** A keyed hash of the key's secret: the same for every member holding the key. */
  fingerprint: (keyId: string) => Promise<string>;
  /** Members present in the last minute (this one included), for the share while Redis is away. */
  members: () => number;
  /** A shared pool was used: membership reads who uses how much of it. */
  used: (pool: SharedPoolRef) => void;
}

/** Where a shared pool lives in Redis, for the Overview's per-member shares. */
export interface SharedPoolRef {
  pool: string;
  provider: string;
  model: string;
  /** The pool's requests-per-minute log (or its first logged window) and its limit. */
  logKey?: string;
  limit?: number;
}

interface Take {
  id: string;
  at: number;
  prefix: string;
  windows: SharedWindow[];
  demand: Demand;
  /** Taken while Redis was away: settled into the list to merge, not into Redis. */
  alone: boolean;
}

export interface TeamPools extends SharedPools {
  /** Writes the takes counted while Redis was away into the team's counts. */
  merge(): Promise<void>;
  /** Whether admissions go to Redis (joined) or are counted alone within the share. */
  setJoined(joined: boolean): void;
  /** Takes waiting to be merged. */
  unmerged(): number;
}

function holdKey(prefix: string): string {
  return `${prefix}:hold`;
}

function windowKey(prefix: string, w: SharedWindow): string {
  return w.kind === 'log' ? `${prefix}:w:${w.window}` : `${prefix}:c:${w.window}:${w.resetAt}`;
}

function windowArgs(w: SharedWindow): Array<string | number> {
  return [w.kind, w.limit, w.amount, w.kind === 'log' ? w.spanMs : w.resetAt];
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} s`;
}

export function createTeamPools(options: TeamPoolsOptions): TeamPools {
  const { link, team, memberId, clock } = options;
  const takes = new Map<string, Take>();
  let unmerged: Take[] = [];
  let merging = false;
  /** Counting with the team: set once a (re-)join has merged what was counted alone. */
  let joined = false;
  let sequence = 0;
  /** This member's own count of each daily or monthly quota it drew on, to restore on re-joining. */
  const ownCounts = new Map<string, { count: number; resetAt: number }>();

  /** Counts a take's (or a settlement's) share of each calendar quota as this member's own. */
  function countOwn(take: Take, amounts: readonly number[]): void {
    take.windows.forEach((w, i) => {
      if (w.kind !== 'counter') return;
      const key = windowKey(take.prefix, w);
      const entry = ownCounts.get(key) ?? { count: 0, resetAt: w.resetAt };
      entry.count += amounts[i] ?? 0;
      ownCounts.set(key, entry);
    });
  }

  /**
   * The admission script (scripts.ts) for `take` over `windows`, with its keys and arguments in
   * the order it reads them; `force` counts the take even past a limit (a merge).
   */
  function runAdmit(
    take: Take,
    windows: readonly SharedWindow[],
    force: boolean,
  ): Promise<Array<string | number>> {
    return link.run((redis) =>
      redis.syAdmit(
        1 + windows.length,
        holdKey(take.prefix),
        ...windows.map((w) => windowKey(take.prefix, w)),
        take.at,
        memberId,
        take.id.slice(memberId.length + 1),
        force ? '1' : '0',
        windows.length,
        ...windows.flatMap(windowArgs),
      ),
    );
  }

  function who(target: LimiterTarget): string {
    return `${target.provider.name} (${target.model})`;
  }

  async function prefixOf(target: LimiterTarget): Promise<string> {
    const fingerprint = await options.fingerprint(target.keyId ?? '');
    const model = poolIdOf(target).split('|')[2] ?? target.model;
    return `sy:${team}:p:${target.provider.id}:${fingerprint}:${model}`;
  }

  function alone(target: LimiterTarget, take: Take, pool: PoolState, now: number): SharedAdmission {
    const members = options.members();
    const over = shareRefusal(pool, members, now);
    if (over !== undefined) {
      const wait =
        over.retryAt === undefined ? '' : `; room returns in ${seconds(over.retryAt - now)}`;
      return {
        ok: false,
        message: `The team's Redis is unreachable, so this member keeps to its share (1/${members}) of ${who(target)}'s ${WINDOW_LABELS[over.window]}${wait}.`,
        ...(over.retryAt === undefined ? {} : { retryAt: over.retryAt }),
      };
    }
    take.alone = true;
    takes.set(take.id, take);
    // A take whose key did not resolve has no place in Redis; there is nothing to merge.
    if (take.prefix === '') return { ok: true, ticket: { id: take.id } };
    countOwn(
      take,
      take.windows.map((w) => w.amount),
    );
    unmerged.push(take);
    if (unmerged.length > MAX_UNMERGED) unmerged = unmerged.slice(-MAX_UNMERGED);
    return { ok: true, ticket: { id: take.id } };
  }

  async function admit(
    target: LimiterTarget,
    pool: PoolState,
    demand: Demand,
    now: number,
  ): Promise<SharedAdmission> {
    const windows = sharedWindows(pool, demand);
    const prefix = await prefixOf(target).catch(() => undefined);
    const take: Take = {
      id: `${memberId}-${++sequence}`,
      at: now,
      prefix: prefix ?? '',
      windows,
      demand,
      alone: false,
    };
    // The key's secret did not resolve (a locked keychain): the attempt fails on its own terms
    // upstream; the team's count must not be why.
    if (prefix === undefined) return alone(target, take, pool, now);
    // Until a re-join has merged, Redis may be one that restarted empty: count alone till then.
    if (!joined || link.state() !== 'up') return alone(target, take, pool, now);
    let reply: Array<string | number>;
    try {
      reply = await runAdmit(take, windows, false);
    } catch {
      return alone(target, take, pool, now);
    }
    noteUse(target, prefix, windows);
    if (Number(reply[0]) === 1) {
      countOwn(
        take,
        take.windows.map((w) => w.amount),
      );
      takes.set(take.id, take);
      return { ok: true, ticket: { id: take.id } };
    }
    const retryAt = Number(reply[1]);
    const why = String(reply[2]);
    if (retryAt < 0) {
      return {
        ok: false,
        message: `The request is larger than the team's whole quota of ${who(target)}.`,
      };
    }
    const held =
      why === 'window'
        ? 'is used up by the team'
        : `is ${why === 'open' ? 'failing' : why} for the team`;
    return {
      ok: false,
      message: `${who(target)} ${held}; room returns in ${seconds(retryAt - now)}.`,
      retryAt,
    };
  }

  function noteUse(target: LimiterTarget, prefix: string, windows: SharedWindow[]): void {
    const requests =
      windows.find((w) => w.kind === 'log' && w.window === 'rpm') ??
      windows.find((w) => w.kind === 'log');
    options.used({
      pool: poolIdOf(target),
      provider: target.provider.name,
      model: target.model,
      ...(requests === undefined
        ? {}
        : { logKey: windowKey(prefix, requests), limit: requests.limit }),
    });
  }

  /** What the attempt teaches every member: holds until a time, the latest of each kind. */
  function holdsOf(
    outcome: AttemptOutcome,
    pool: PoolState | undefined,
    now: number,
  ): Array<[number, string]> {
    const holds: Array<[number, string]> = [];
    const failure = outcome.failure;
    if (failure?.cooldownUntil !== undefined) holds.push([failure.cooldownUntil, 'cooling']);
    if (failure?.parkUntil !== undefined) holds.push([failure.parkUntil, 'parked']);
    const openUntil = pool?.breaker?.openUntil;
    if (openUntil !== undefined && openUntil > now) holds.push([openUntil, 'open']);
    for (const w of pool?.windows ?? []) {
      const reading = readWindow(w, now);
      if (reading.fromHeaders && reading.remaining === 0 && reading.resetAt !== undefined) {
        holds.push([reading.resetAt, 'window']);
      }
    }
    return holds.filter(([until]) => until > now);
  }

  function release(
    ticket: SharedTicket,
    _target: LimiterTarget,
    outcome: AttemptOutcome,
    pool: PoolState | undefined,
  ): void {
    const take = takes.get(ticket.id);
    if (take === undefined) return;
    takes.delete(ticket.id);
    const actual = take.windows.map((w) => actualFor(w.window, take.demand, outcome));
    countOwn(
      take,
      take.windows.map((w, i) => (actual[i] ?? w.amount) - w.amount),
    );
    if (take.alone) {
      take.windows = take.windows.map((w, i) => ({ ...w, amount: actual[i] ?? w.amount }));
      return;
    }
    const now = clock();
    const holds = holdsOf(outcome, pool, now);
    const changed = take.windows.some((w, i) => actual[i] !== w.amount);
    if (!changed && holds.length === 0) return;
    void link
      .run(async (redis) => {
        if (changed) {
          await redis.sySettle(
            take.windows.length,
            ...take.windows.map((w) => windowKey(take.prefix, w)),
            memberId,
            take.id.slice(memberId.length + 1),
            take.at,
            take.windows.length,
            ...take.windows.flatMap((w, i) => [w.kind, w.amount, actual[i] ?? w.amount]),
          );
        }
        for (const [until, kind] of holds)
          await redis.syHold(1, holdKey(take.prefix), until, kind, now);
      })
      .catch(() => undefined);
  }

  /**
   * Re-joining: the per-minute takes counted alone are added to the team's logs (a take is a
   * member of a set, so adding it twice counts it once), and each calendar quota's entry for
   * this member becomes at least what it counted itself, whether Redis kept its data or not.
   */
  async function merge(): Promise<void> {
    if (merging) return;
    merging = true;
    try {
      while (unmerged.length > 0) {
        const take = unmerged[0] as Take;
        const logs = take.windows.filter((w) => w.kind === 'log');
        if (logs.length > 0) await runAdmit(take, logs, true);
        unmerged.shift();
      }
      const now = clock();
      for (const [key, own] of [...ownCounts]) {
        if (own.resetAt <= now) {
          ownCounts.delete(key);
          continue;
        }
        await link.run((redis) =>
          redis.syRestoreCount(1, key, memberId, own.count, own.resetAt - now),
        );
      }
    } finally {
      merging = false;
    }
  }

  return {
    shares: (target) => sharedByScope(target.provider, target.keyId),
    admit,
    release,
    merge,
    setJoined: (value) => {
      joined = value;
    },
    unmerged: () => unmerged.length,
  };
}
