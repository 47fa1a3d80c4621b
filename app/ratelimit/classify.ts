/**
 * What a failed upstream attempt means for the dispatcher: cool the target down, park the key
 * until its quota resets, mark the key invalid, look for a larger context window, or hand the
 * error back to the caller. DESIGN.md "Failure classes" and PROVIDERS.md section 1 are the rules;
 * 429s are classified by their body and headers, not by the status alone.
 */
import { formatWait } from '../limiter/format.ts';
import { parseErrorBody, type ErrorBodyInfo } from './errorBody.ts';
import {
  emptyWindows,
  exhaustion,
  future,
  hasCode,
  latestReset,
  WINDOW_NAMES,
} from './exhaustion.ts';
import {
  parseRateLimitHeaders,
  type HeaderDialect,
  type HeaderLookup,
  type WindowObservation,
} from './headers.ts';

/**
 * The failure classes of DESIGN.md. `cancelled` (the client hung up) and `our-bug` (an exception
 * in this engine's own code) are never the provider's fault: nothing cools, parks or trips.
 */
export type FailureClass =
  'transient' | 'exhausted' | 'key-invalid' | 'too-big' | 'caller' | 'cancelled' | 'our-bug';

/** What the dispatcher should do about one failed attempt. */
export interface FailureDecision {
  class: FailureClass;
  /**
   * transient: epoch ms until which this target should not be tried again, only where the
   * provider named a wait (or, for a 429, nothing says capacity is left). Other transient
   * failures move the request on and feed the target's circuit breaker instead.
   */
  cooldownUntil?: number;
  /** transient: counts against the target's circuit breaker (a 5xx, timeout or broken connection). */
  tripsBreaker?: boolean;
  /** exhausted: epoch ms until which this key should not be used (its next quota reset). */
  parkUntil?: number;
  /** One sentence for the request log and the dashboard. Never holds provider text or secrets. */
  reason: string;
  /** Whether the next target in the chain should be tried (false: return the error now). */
  retryElsewhere: boolean;
}

/** A catalog quota reset: local time "HH:MM" in an IANA zone, daily unless said otherwise. */
export interface ResetZone {
  time: string;
  timeZone: string;
  kind?: 'daily' | 'monthly';
}

/** One failed attempt, as the upstream client saw it. */
export interface FailureInput {
  /** HTTP status, or how the connection failed before a status arrived. */
  status: number | 'timeout' | 'reset' | 'connect';
  /** The error body, JSON-parsed or as text. */
  body?: unknown;
  /** The response headers, looked up by lower-case name. */
  headers?: HeaderLookup;
  dialect: HeaderDialect;
  /** Names the provider in the reason sentence. */
  providerId: string;
  /** Epoch ms at which the failure was seen. */
  now: number;
  /** The catalog's quota reset, used when neither headers nor body say when quota returns. */
  resetZone?: ResetZone;
}

/**
 * Cooldown after a 429 that named no wait and whose headers report no capacity left (or report
 * nothing): long enough not to hammer a per-minute window.
 */
export const DEFAULT_RATE_LIMIT_BACKOFF_MS = 5_000;
/**
 * Longest cooldown acted on. A provider that asks for more is re-tried after an hour, which costs
 * one request; believing a bogus "retry-after: 86400" on a 503 would cost a day of that target.
 */
export const MAX_COOLDOWN_MS = 3_600_000;
const CONTEXT_CODES = new Set(['context_length_exceeded', 'exceed_context_size_error']);

/**
 * Context-window wordings: litellm's `is_error_str_context_window_exceeded` list, its Bedrock
 * "prompt is too long", DashScope's input-length range, and Groq's "Request too large" (the
 * request alone exceeds the per-minute token limit, so no wait helps).
 */
const CONTEXT_WORDINGS: readonly RegExp[] = [
  /this model's maximum context length is/i,
  /exceeds the available context size/i,
  /exceeds the maximum number of tokens allowed/i,
  /current length is \d+ while limit is/i,
  /maximum input length is .{0,40}tokens/i,
  /input tokens exceed the configured limit/i,
  /prompt is too long/i,
  /range of input length should be/i,
  /request too large/i,
];

const API_KEY_WORDING = /\bAPI key (?:not valid|expired|is invalid)\b/i;
const MODERATION_WORDING = /\b(?:moderation|flagged)\b/i;
/** One failure with its body and headers read; what every rule looks at. */
export interface FailureContext {
  input: FailureInput;
  who: string;
  status: number;
  info: ErrorBodyInfo;
  windows: WindowObservation[];
  retryAfterMs?: number;
}

function transient(
  ctx: FailureContext,
  hintMs: number | undefined,
  fallbackMs: number,
  what: string,
): FailureDecision {
  const waitMs = Math.min(hintMs ?? fallbackMs, MAX_COOLDOWN_MS);
  const source = hintMs === undefined ? 'no wait was named' : 'as the provider asked';
  return {
    class: 'transient',
    cooldownUntil: ctx.input.now + waitMs,
    reason: `${what}; cooling down for ${formatWait(waitMs)} (${source}).`,
    retryElsewhere: true,
  };
}

/**
 * A server-side failure (5xx, 408, timeout, broken connection): this request moves on. The
 * target cools only for a wait the provider named; otherwise one failure is no evidence that the
 * next request will fail too, and the circuit breaker weighs it with the others.
 */
function serverFailure(
  ctx: FailureContext,
  hintMs: number | undefined,
  what: string,
): FailureDecision {
  if (hintMs !== undefined) return { ...transient(ctx, hintMs, 0, what), tripsBreaker: true };
  return {
    class: 'transient',
    reason: `${what}; trying the next target.`,
    retryElsewhere: true,
    tripsBreaker: true,
  };
}

function tooBig(ctx: FailureContext): boolean {
  if (ctx.status === 413) return true;
  if (hasCode(ctx.info, CONTEXT_CODES) !== undefined) return true;
  return CONTEXT_WORDINGS.some((re) => re.test(ctx.info.text));
}

function keyProblem(ctx: FailureContext): FailureDecision | undefined {
  const { status, info, who } = ctx;
  const apiKeyWording = info.codes.includes('api_key_invalid') || API_KEY_WORDING.test(info.text);
  if (status === 401 || (status === 400 && apiKeyWording)) {
    return {
      class: 'key-invalid',
      reason: `Key rejected by ${who} (HTTP ${status}): check that it is correct and still active.`,
      retryElsewhere: true,
    };
  }
  if (status === 400 && info.codes.includes('failed_precondition')) {
    return {
      class: 'key-invalid',
      reason: `Key not usable at ${who} as it stands (FAILED_PRECONDITION; for Gemini, no free tier in your region): enable billing on the project.`,
      retryElsewhere: true,
    };
  }
  if (status === 403) {
    if (MODERATION_WORDING.test(info.text)) {
      return {
        class: 'caller',
        reason: `Request content refused by ${who} (HTTP 403, moderation); returning the error to the caller.`,
        retryElsewhere: false,
      };
    }
    return {
      class: 'key-invalid',
      reason: `Key refused by ${who} (HTTP 403): it lacks permission for this model or endpoint.`,
      retryElsewhere: true,
    };
  }
  return undefined;
}

function describeOverload(status: number, who: string): string {
  if (status === 429) return `Rate-limited by ${who}`;
  if (status === 529 || status === 503) return `Overloaded: ${who} answered HTTP ${status}`;
  if (status === 408) return `Timed out: ${who} answered HTTP 408`;
  return `Server error: ${who} answered HTTP ${status}`;
}

/** The headers report at least one window, and every reported window has room left. */
function capacityLeft(ctx: FailureContext): boolean {
  const reported = ctx.windows.filter((w) => w.remaining !== undefined);
  return reported.length > 0 && reported.every((w) => (w.remaining ?? 0) > 0);
}

function temporary(ctx: FailureContext): FailureDecision {
  const { status, info, who } = ctx;
  const told = ctx.retryAfterMs ?? info.retryAfterMs;
  if (status !== 429) return serverFailure(ctx, told, describeOverload(status, who));
  const empty = emptyWindows(ctx, false);
  const windowReset = future(ctx, latestReset(empty));
  const hint = told ?? (windowReset === undefined ? undefined : windowReset - ctx.input.now);
  const names = empty.map((w) => WINDOW_NAMES[w.window]);
  const what =
    names.length === 0
      ? describeOverload(429, who)
      : `${describeOverload(429, who)} (${names.join(', ')} used up)`;
  if (hint === undefined && capacityLeft(ctx)) {
    // The headers say every window still has room: a burst limit, not a spent window. Benching
    // the target for a made-up wait would turn away requests it can serve.
    return {
      class: 'transient',
      reason: `${what}, though its headers report capacity left; trying the next target.`,
      retryElsewhere: true,
    };
  }
  return transient(ctx, hint, DEFAULT_RATE_LIMIT_BACKOFF_MS, what);
}

const NETWORK_WHAT: Record<'timeout' | 'reset' | 'connect', (who: string) => string> = {
  timeout: (who) => `No response from ${who} before the timeout`,
  reset: (who) => `Connection to ${who} was reset`,
  connect: (who) => `Could not connect to ${who}`,
};

/**
 * Classifies one failed upstream attempt (DESIGN.md "Failure classes").
 *
 * Order: context-window errors (too-big); quota and billing exhaustion, by body and by an empty
 * daily window in the headers (exhausted); 401/403 (key-invalid, except DashScope's
 * FreeTierOnly, which is exhausted, and OpenRouter moderation, which is the caller's); 429, 408,
 * 5xx and connection failures (transient); 404 (the model is gone there: caller, but the next
 * target is tried); other 4xx (caller, not retried elsewhere).
 *
 * Transient cooldowns are the provider's own word where it gave one: `retry-after-ms`,
 * `retry-after`, a wait in the body (Gemini RetryInfo, "try again in 5.289s"), or the reset of
 * the window the headers report as empty, capped at {@link MAX_COOLDOWN_MS}. Without a word: a
 * 5xx, 408 or connection failure sets no cooldown (`tripsBreaker`: the circuit breaker decides);
 * a 429 whose headers report room in every window sets none either; any other 429 cools for
 * {@link DEFAULT_RATE_LIMIT_BACKOFF_MS}.
 *
 * Exhausted keys are parked until their quota returns: midnight America/Los_Angeles for Gemini
 * daily quotas, 00:00 UTC for OpenRouter's free daily allowance (or its echoed reset header) and
 * Cloudflare's daily allocation, 00:00 UTC on the 1st for Anthropic spend limits, the provider's
 * stated wait or reset for a spent daily window; otherwise `resetZone`, else the next 00:00 UTC.
 * Parks are capped at MAX_PARK_MS (exhaustion.ts). Never throws for a finite `now`, whatever the status,
 * body and headers.
 */
export function classifyFailure(input: FailureInput): FailureDecision {
  const who = input.providerId === '' ? 'the provider' : input.providerId;
  if (typeof input.status === 'string') {
    const ctx: FailureContext = {
      input,
      who,
      status: 0,
      info: parseErrorBody(undefined, input.now),
      windows: [],
    };
    return serverFailure(ctx, undefined, NETWORK_WHAT[input.status](who));
  }

  const info = parseErrorBody(input.body, input.now);
  const observed =
    input.headers === undefined
      ? { windows: [] }
      : parseRateLimitHeaders(input.dialect, input.headers, input.now);
  const echoed = info.echoed?.windows ?? [];
  const windows = [
    ...observed.windows,
    ...echoed.filter((e) => !observed.windows.some((o) => o.window === e.window)),
  ];
  const status =
    Number.isInteger(input.status) && input.status >= 400
      ? input.status
      : (info.statusCode ?? input.status);
  const ctx: FailureContext = { input, who, status, info, windows };
  const retryAfterMs = observed.retryAfterMs ?? info.echoed?.retryAfterMs;
  if (retryAfterMs !== undefined) ctx.retryAfterMs = retryAfterMs;

  if (!Number.isInteger(status) || status < 400) {
    return serverFailure(ctx, ctx.retryAfterMs, `Unexpected status ${String(status)} from ${who}`);
  }
  if (status < 500 && tooBig(ctx)) {
    return {
      class: 'too-big',
      reason: `The request does not fit this model's context window at ${who} (HTTP ${status}); trying a target with a larger one.`,
      retryElsewhere: true,
    };
  }
  if (status === 402 && info.limitSource === 'openrouter_in_flight_budget') {
    return transient(
      ctx,
      ctx.retryAfterMs ?? info.retryAfterMs,
      DEFAULT_RATE_LIMIT_BACKOFF_MS,
      `Credit held by requests in flight at ${who}`,
    );
  }
  const decided = exhaustion(ctx) ?? keyProblem(ctx);
  if (decided !== undefined) return decided;
  if (status === 429 || status === 408 || status >= 500) return temporary(ctx);
  if (status === 404) {
    // Providers drop and rename models without notice: the next target may still have one.
    return {
      class: 'caller',
      reason: `Model not found at ${who} (HTTP 404); trying the next target.`,
      retryElsewhere: true,
    };
  }
  return {
    class: 'caller',
    reason: `Request rejected by ${who} (HTTP ${status}); returning the error to the caller.`,
    retryElsewhere: false,
  };
}

/** The client hung up before the provider's first byte: the caller's act, never the provider's. */
export function cancelledByClient(providerName: string): FailureDecision {
  return {
    class: 'cancelled',
    reason: `Cancelled by the client before ${providerName} answered.`,
    retryElsewhere: false,
  };
}
