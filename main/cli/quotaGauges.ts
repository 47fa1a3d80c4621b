import type { LimiterPoolView, LimiterView, LimiterWindowView } from '../../app/limiter/view.ts';
import { poolStatusNow, remainingNow } from '../../app/limiter/view.ts';
import type { ModelWatchEntry } from '../../app/models/watch.ts';

const BAR_CELLS = 16;

/** `1h05m`, `4m10s`, `12s`: how long until a reset, short enough for a gauge line. */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s >= 3600)
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** 14400 → `14.4k`, so big token windows fit their column. */
function compact(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(n >= 10_000_000 ? 0 : 1)}M`;
  if (n >= 10_000) return `${(n / 1000).toFixed(n >= 100_000 ? 0 : 1)}k`;
  return String(Math.round(n));
}

function clockTime(at: number, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  }).format(at);
}

function bar(remaining: number, limit: number): string {
  const filled = limit <= 0 ? 0 : Math.round((Math.min(remaining, limit) / limit) * BAR_CELLS);
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR_CELLS - filled)}]`;
}

function poolTitle(pool: LimiterPoolView, now: number): string {
  const status = poolStatusNow(pool, undefined, now);
  const who = [pool.provider, pool.keyId ?? 'no key', pool.model ?? 'all free models'].join(' · ');
  const state =
    status.state === 'ready'
      ? ''
      : `  ${status.state}${status.until !== undefined ? ` ${countdown(status.until - now)}` : ''}`;
  return `${who}${state}`;
}

function windowLine(w: LimiterWindowView, now: number, timeZone: string | undefined): string {
  const left = remainingNow(w, now);
  const reset =
    w.resetAt !== undefined && w.resetAt > now ? `resets ${countdown(w.resetAt - now)}` : 'full';
  const out = w.runsOutAt !== undefined ? `  out ~${clockTime(w.runsOutAt, timeZone)}` : '';
  return `${w.window.padEnd(4)} ${bar(left, w.limit)} ${`${compact(left)}/${compact(w.limit)}`.padStart(11)}  ${reset}${out}`;
}

function clip(line: string, width: number): string {
  return [...line].length <= width ? line : `${[...line].slice(0, width - 1).join('')}…`;
}

/**
 * Each pool's gauges as `switchyard status` draws them: a title line, then per window a bar,
 * what is left of the limit, the reset countdown and the run-out forecast; no line wider than
 * `width` columns.
 */
export function drawQuotaGauges(
  view: LimiterView,
  now: number,
  width: number,
  timeZone?: string,
): string[] {
  if (view.pools.length === 0) return ['Quota: no pools yet (add a key and a route).'];
  const lines = ['Quota:'];
  for (const pool of view.pools) {
    lines.push(clip(`  ${poolTitle(pool, now)}`, width));
    for (const w of pool.windows) lines.push(clip(`    ${windowLine(w, now, timeZone)}`, width));
  }
  return lines;
}

/** The flagged route targets, one line each, or nothing when every model is fine. */
export function drawModelWatch(entries: readonly ModelWatchEntry[], width: number): string[] {
  const flagged = entries.filter((e) => e.state !== 'ok');
  if (flagged.length === 0) return [];
  return [
    'Models to replace:',
    ...flagged.map((e) =>
      clip(
        `  ${e.route}: ${e.provider}/${e.model} is ${e.state}${e.suggestion ? `; try ${e.suggestion}` : ''}`,
        width,
      ),
    ),
  ];
}
