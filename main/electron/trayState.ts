import type { KeychainState as AdminKeychainState, KeyView } from '../../app/admin/types.ts';
import { poolStatusNow, remainingNow, type LimiterView } from '../../app/limiter/view.ts';
import type { ModelWatchEntry } from '../../app/models/watch.ts';
import { teamSummary, type TeamStatus } from '../../app/team/status.ts';

/** A key's routing state, as the failure classes leave it (DESIGN.md). */
export type KeyStatus = 'ready' | 'cooling' | 'parked' | 'invalid';

/** One quota window of a key (e.g. requests per minute, tokens per day) and how much is left. */
export type QuotaWindow = { name: string; remaining: number };

/** The window forecast to run out first at the last 15 minutes' pace, and in how long. */
export type RunOut = { window: string; inMs: number };

/** A key as the tray sees it: a label, never the secret. */
export type KeyQuota = {
  id: string;
  label: string;
  status: KeyStatus;
  windows: QuotaWindow[];
  /** The window that runs out first, and the daily one that runs out first. */
  runsOut?: RunOut;
  dailyRunsOut?: RunOut;
};

/** A route target whose model the provider dropped or deprecated. */
export type FlaggedModel = Pick<
  ModelWatchEntry,
  'route' | 'provider' | 'model' | 'state' | 'suggestion'
>;

export type KeychainState = 'unlocked' | 'locked' | 'unavailable' | 'unknown';

/**
 * What the tray is drawn from. `keys` is undefined while the engine does not report quotas at all,
 * which is not the same as reporting that there are no keys.
 */
export type QuotaSnapshot = {
  keys: KeyQuota[] | undefined;
  keychain: KeychainState;
  configErrors: number;
  /** Flagged route targets (none when the engine does not report them). */
  flaggedModels?: FlaggedModel[];
  /** Team mode, when configured: a member counting alone is something to look at. */
  team?: TeamStatus;
};

export type TrayLevel = 'ready' | 'degraded' | 'limited';

export type TrayState = { level: TrayLevel; headline: string; lines: string[] };

export type ShellNotice = { title: string; body: string };

/** Below this fraction of any window left, a key counts as running low. */
export const LOW_QUOTA_FRACTION = 0.1;

/** How many keys the tray menu lists before summing up the rest. */
export const MAX_KEY_LINES = 8;

/** A daily window forecast to run out within this long gets a notification. */
export const RUN_OUT_NOTICE_MS = 60 * 60_000;

const DAILY_WINDOWS: ReadonlySet<string> = new Set(['rpd', 'tpd']);

const STATUS_RANK: Record<KeyStatus, number> = { ready: 0, cooling: 1, parked: 2, invalid: 3 };

const KEYCHAIN: Record<AdminKeychainState, KeychainState> = {
  ok: 'unlocked',
  locked: 'locked',
  unavailable: 'unavailable',
  timeout: 'unknown',
  failed: 'unknown',
};

export type EngineReadings = {
  view: LimiterView;
  keys: readonly KeyView[];
  keychain: AdminKeychainState;
  configErrors: readonly string[];
  modelWatch?: readonly ModelWatchEntry[];
  team?: TeamStatus;
};

/**
 * The tray's snapshot from what the engine knows: each key's worst status across its pools (a key
 * the provider refused is invalid whatever its pools say), and per window the tightest fraction
 * left across the key's models.
 */
export function snapshotFromEngine(readings: EngineReadings): QuotaSnapshot {
  const keys = readings.keys.map((key): KeyQuota => {
    const keyInvalid = key.status === 'invalid';
    let status: KeyStatus = keyInvalid ? 'invalid' : 'ready';
    const tightest = new Map<string, number>();
    let runsOut: RunOut | undefined;
    let dailyRunsOut: RunOut | undefined;
    for (const pool of readings.view.pools) {
      if (pool.provider !== key.provider || pool.keyId !== key.id) continue;
      const state = poolStatusNow(pool, keyInvalid, readings.view.at).state;
      if (STATUS_RANK[state] > STATUS_RANK[status]) status = state;
      for (const w of pool.windows) {
        if (w.limit <= 0) continue;
        const fraction = Math.min(1, Math.max(0, remainingNow(w, readings.view.at) / w.limit));
        tightest.set(w.window, Math.min(fraction, tightest.get(w.window) ?? 1));
        if (w.runsOutAt === undefined) continue;
        const out = { window: w.window, inMs: Math.max(0, w.runsOutAt - readings.view.at) };
        if (runsOut === undefined || out.inMs < runsOut.inMs) runsOut = out;
        if (
          DAILY_WINDOWS.has(w.window) &&
          (dailyRunsOut === undefined || out.inMs < dailyRunsOut.inMs)
        )
          dailyRunsOut = out;
      }
    }
    return {
      id: key.id,
      label: key.label,
      status,
      windows: [...tightest].map(([name, remaining]) => ({ name, remaining })),
      ...(runsOut !== undefined ? { runsOut } : {}),
      ...(dailyRunsOut !== undefined ? { dailyRunsOut } : {}),
    };
  });
  return {
    keys,
    keychain: KEYCHAIN[readings.keychain],
    configErrors: readings.configErrors.length,
    ...(readings.modelWatch === undefined
      ? {}
      : {
          flaggedModels: readings.modelWatch
            .filter((e) => e.state !== 'ok')
            .map(({ route, provider, model, state, suggestion }) => ({
              route,
              provider,
              model,
              state,
              suggestion,
            })),
        }),
    ...(readings.team === undefined ? {} : { team: readings.team }),
  };
}

/** The window with the least left, or undefined for a key without known windows. */
export function tightestWindow(key: KeyQuota): QuotaWindow | undefined {
  let tightest: QuotaWindow | undefined;
  for (const window of key.windows)
    if (tightest === undefined || window.remaining < tightest.remaining) tightest = window;
  return tightest;
}

function percent(fraction: number): string {
  return `${Math.floor(fraction * 100)}%`;
}

function keyLine(key: KeyQuota): string {
  if (key.status === 'invalid') return `${key.label}: invalid key`;
  if (key.status === 'parked') return `${key.label}: quota used up, parked until it resets`;
  const tightest = tightestWindow(key);
  const left =
    tightest === undefined ? '' : `${percent(tightest.remaining)} left (${tightest.name})`;
  const out =
    key.runsOut === undefined
      ? ''
      : `, runs out in ~${duration(key.runsOut.inMs)} (${key.runsOut.window})`;
  if (key.status === 'cooling') return `${key.label}: cooling down${left ? `, ${left}` : ''}${out}`;
  return `${key.label}: ${left || 'ready'}${out}`;
}

function duration(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return minutes < 60
    ? `${minutes}m`
    : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

function modelLine(m: FlaggedModel): string {
  return `${m.route}: ${m.provider}/${m.model} is ${m.state}${m.suggestion ? `, try ${m.suggestion}` : ''}`;
}

function modelKey(m: FlaggedModel): string {
  return `${m.route}|${m.provider}|${m.model}|${m.state}`;
}

/**
 * Green when every key can take requests with room to spare; red when there are keys and none of
 * them can; amber for everything in between and for anything the user should look at (the
 * keychain locked, a refused config edit, no keys yet).
 */
export function trayState(snapshot: QuotaSnapshot): TrayState {
  const problems: string[] = [];
  if (snapshot.keychain === 'locked') problems.push('the keychain is locked');
  if (snapshot.keychain === 'unavailable') problems.push('no keychain is available');
  if (snapshot.configErrors > 0) problems.push('a config edit was refused');
  const flagged = snapshot.flaggedModels ?? [];
  if (flagged.length > 0)
    problems.push(`${flagged.length} ${flagged.length === 1 ? 'model' : 'models'} to replace`);
  if (snapshot.team !== undefined && snapshot.team.state === 'alone') {
    problems.push("the team's Redis is unreachable");
  }

  const keys = snapshot.keys;
  const teamLines = snapshot.team === undefined ? [] : [teamSummary(snapshot.team)];
  const keyLines =
    keys === undefined
      ? ['Quota figures are not reported yet']
      : keys.length === 0
        ? ['No keys yet: add one in the dashboard']
        : [
            ...keys.slice(0, MAX_KEY_LINES).map(keyLine),
            ...(keys.length > MAX_KEY_LINES ? [`and ${keys.length - MAX_KEY_LINES} more`] : []),
          ];
  const lines = [...teamLines, ...keyLines, ...flagged.map(modelLine)];

  if (keys !== undefined && keys.length > 0 && keys.every((key) => key.status !== 'ready')) {
    return { level: 'limited', headline: 'All keys are limited', lines };
  }
  if (keys !== undefined) {
    if (keys.length === 0) problems.push('no keys yet');
    const unusable = keys.filter((key) => key.status !== 'ready').length;
    if (unusable > 0) problems.push(`${unusable} of ${keys.length} keys limited`);
    const low = keys.filter((key) => key.status === 'ready' && isLow(key)).length;
    if (low > 0) problems.push(`${low} running low`);
  }
  if (problems.length > 0) return { level: 'degraded', headline: capitalise(problems), lines };
  return { level: 'ready', headline: 'Ready', lines };
}

function capitalise(problems: string[]): string {
  const text = problems.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function soonDaily(key: KeyQuota): boolean {
  return key.dailyRunsOut !== undefined && key.dailyRunsOut.inMs <= RUN_OUT_NOTICE_MS;
}

function isLow(key: KeyQuota): boolean {
  const tightest = tightestWindow(key);
  return tightest !== undefined && tightest.remaining < LOW_QUOTA_FRACTION;
}

/**
 * Notifications for what got worse between two snapshots: a key dropping under 10% of a window, a
 * key turning invalid, the keychain locking. Each fires once, on the change, not on every poll;
 * the first snapshot (`previous` undefined) reports what is already wrong at start.
 */
export function noticesBetween(
  previous: QuotaSnapshot | undefined,
  next: QuotaSnapshot,
): ShellNotice[] {
  const notices: ShellNotice[] = [];
  const before = new Map((previous?.keys ?? []).map((key) => [key.id, key]));
  for (const key of next.keys ?? []) {
    const old = before.get(key.id);
    if (key.status === 'invalid') {
      if (old?.status !== 'invalid')
        notices.push({
          title: 'A key was refused',
          body: `${key.label} was rejected by its provider (401/403). Routing skips it until you replace it.`,
        });
      continue;
    }
    const tightest = tightestWindow(key);
    if (tightest !== undefined && isLow(key) && (old === undefined || !isLow(old))) {
      notices.push({
        title: 'Quota running low',
        body: `${key.label} has ${percent(tightest.remaining)} of its ${tightest.name} quota left.`,
      });
    }
  }
  for (const key of next.keys ?? []) {
    const old = before.get(key.id);
    const out = key.dailyRunsOut;
    if (out !== undefined && soonDaily(key) && (old === undefined || !soonDaily(old)))
      notices.push({
        title: 'Daily quota running out',
        body: `${key.label} will use up its ${out.window} quota in about ${duration(out.inMs)} at the pace of the last 15 minutes.`,
      });
  }
  const known = new Set((previous?.flaggedModels ?? []).map(modelKey));
  for (const m of next.flaggedModels ?? []) {
    if (known.has(modelKey(m))) continue;
    notices.push({
      title: m.state === 'missing' ? 'A model is gone' : 'A model is being retired',
      body: `Route ${m.route}: ${m.provider}/${m.model} is ${m.state}; it keeps serving through the rest of its chain.${m.suggestion ? ` Replace it with ${m.suggestion} in the dashboard.` : ''}`,
    });
  }
  if (next.keychain === 'locked' && previous?.keychain !== 'locked') {
    notices.push({
      title: 'Keychain locked',
      body: 'Switchyard cannot read your keys until the OS keychain is unlocked.',
    });
  }
  return notices;
}
