/**
 * Out of quota or money: which failures park the key, and until when its quota returns (the
 * provider's named reset, the catalog's reset zone, else the next 00:00 UTC). classify.ts calls
 * {@link exhaustion} for every HTTP failure; the window helpers here serve its 429 rule as well.
 */
import { formatWait } from '../limiter/format.ts';
import type { FailureContext, FailureDecision, ResetZone } from './classify.ts';
import type { ErrorBodyInfo } from './errorBody.ts';
import type { RateWindow, WindowObservation } from './headers.ts';
import { isValidTimeZone, nextReset } from './resetTime.ts';

/** Longest park: a monthly quota resets within 31 days. */
export const MAX_PARK_MS = 32 * 86_400_000;

const DAILY_WINDOWS: ReadonlySet<RateWindow> = new Set(['rpd', 'tpd', 'tpmonth']);

export const WINDOW_NAMES: Record<RateWindow, string> = {
  rpm: 'requests per minute',
  rpd: 'requests per day',
  tpm: 'tokens per minute',
  tpd: 'tokens per day',
  rps: 'requests per second',
  tps: 'tokens per second',
  itpm: 'input tokens per minute',
  otpm: 'output tokens per minute',
  rph: 'requests per hour',
  tpmonth: 'tokens per month',
};

/** Out of money or allowance (PROVIDERS.md section 1): waiting minutes will not help. */
const BILLING_CODES = new Set([
  'insufficient_quota',
  'credit_balance_exhausted',
  'organization_spend_limit_exceeded',
  'project_spend_limit_exceeded',
  'organization_usage_limit_exceeded',
  'billing_hard_limit_reached',
  'billing_error',
  'throttling.allocationquota',
  'allocationquota.freetieronly',
  'arrearage',
]);
const CLOUDFLARE_DAILY_CODES = new Set(['3036', '4006']);
const QUOTA_ID = /^[A-Za-z0-9-]{1,120}$/;

export function hasCode(info: ErrorBodyInfo, codes: ReadonlySet<string>): string | undefined {
  return info.codes.find((c) => codes.has(c));
}

function exhausted(ctx: FailureContext, parkUntil: number, what: string): FailureDecision {
  const now = ctx.input.now;
  const until = Math.min(Math.max(parkUntil, now), now + MAX_PARK_MS);
  return {
    class: 'exhausted',
    parkUntil: until,
    reason: `${what}; parking the key for ${formatWait(until - now)}.`,
    retryElsewhere: true,
  };
}

/** The next reset of a zone, or undefined when the zone or time is not usable. */
function safeNextReset(now: number, zone: ResetZone): number | undefined {
  if (!isValidTimeZone(zone.timeZone)) return undefined;
  try {
    return nextReset(now, zone.time, zone.timeZone, zone.kind ?? 'daily');
  } catch {
    return undefined;
  }
}

const utcMidnight = (now: number): number => nextReset(now, '00:00', 'UTC', 'daily');
const pacificMidnight = (now: number): number =>
  nextReset(now, '00:00', 'America/Los_Angeles', 'daily');

/** The catalog's reset, else the next 00:00 UTC: a daily re-probe of a key with no known reset. */
function catalogReset(ctx: FailureContext): number {
  const now = ctx.input.now;
  const zone = ctx.input.resetZone;
  return (zone === undefined ? undefined : safeNextReset(now, zone)) ?? utcMidnight(now);
}

export function future(ctx: FailureContext, at: number | undefined): number | undefined {
  return at !== undefined && at > ctx.input.now ? at : undefined;
}

export function emptyWindows(ctx: FailureContext, daily: boolean): WindowObservation[] {
  return ctx.windows.filter((w) => w.remaining === 0 && DAILY_WINDOWS.has(w.window) === daily);
}

/** The latest reset among the given windows: every one of them must refill before a retry. */
export function latestReset(windows: WindowObservation[]): number | undefined {
  const resets = windows.map((w) => w.resetAt).filter((t): t is number => t !== undefined);
  return resets.length === 0 ? undefined : Math.max(...resets);
}

/** Quota and billing exhaustion, by body and by an empty daily window in the headers. */
export function exhaustion(ctx: FailureContext): FailureDecision | undefined {
  const { info, who, status } = ctx;
  const now = ctx.input.now;

  if (info.codes.includes('enforced_spend_limit_reached')) {
    const reset = nextReset(now, '00:00', 'UTC', 'monthly');
    return exhausted(
      ctx,
      reset,
      `Monthly spend limit reached at ${who} (it resets at 00:00 UTC on the 1st)`,
    );
  }

  const geminiQuota = info.quotaIds.length > 0 || info.codes.includes('resource_exhausted');
  if (geminiQuota && info.zeroQuota) {
    return exhausted(
      ctx,
      pacificMidnight(now),
      `No free quota for this model at ${who} ("limit: 0"): enable billing or pick another model`,
    );
  }
  const dailyQuotaId = info.quotaIds.find((id) => /PerDay/i.test(id));
  if (dailyQuotaId !== undefined) {
    // A quota id is an identifier; anything else in that field is not repeated.
    const named = QUOTA_ID.test(dailyQuotaId) ? ` ${dailyQuotaId}` : '';
    return exhausted(
      ctx,
      pacificMidnight(now),
      `Daily quota${named} used up at ${who} (it resets at midnight Pacific time)`,
    );
  }

  if (info.limitSource === 'openrouter_free_tier_daily' || /free-models-per-day/i.test(info.text)) {
    const headerReset = future(ctx, latestReset(ctx.windows.filter((w) => w.window === 'rpd')));
    return exhausted(
      ctx,
      headerReset ?? utcMidnight(now),
      `Daily free-model allowance used up at ${who} (it resets at 00:00 UTC)`,
    );
  }

  if (
    hasCode(info, CLOUDFLARE_DAILY_CODES) !== undefined ||
    /daily free allocation/i.test(info.text)
  ) {
    return exhausted(
      ctx,
      utcMidnight(now),
      `Daily free allocation used up at ${who} (it resets at 00:00 UTC)`,
    );
  }

  const billingCode = hasCode(info, BILLING_CODES);
  if (billingCode !== undefined || status === 402 || /credit balance is too low/i.test(info.text)) {
    const what = billingCode === undefined ? `HTTP ${status}` : billingCode;
    return exhausted(
      ctx,
      catalogReset(ctx),
      `Out of credit or quota at ${who} (${what}): top up the account`,
    );
  }

  if (status !== 429) return undefined;
  const emptyDaily = emptyWindows(ctx, true);
  if (emptyDaily.length > 0 || info.perDay) {
    // Every hint must have cleared before a spent daily window is worth a probe: take the latest.
    const hints = [ctx.retryAfterMs, info.retryAfterMs]
      .filter((ms): ms is number => ms !== undefined)
      .map((ms) => now + ms);
    const windowReset = future(ctx, latestReset(emptyDaily));
    if (windowReset !== undefined) hints.push(windowReset);
    const at = hints.length === 0 ? undefined : Math.max(...hints);
    const first = emptyDaily[0];
    const which = first === undefined ? '' : ` (${WINDOW_NAMES[first.window]})`;
    return exhausted(ctx, at ?? catalogReset(ctx), `Daily limit used up at ${who}${which}`);
  }
  return undefined;
}
