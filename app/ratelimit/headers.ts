/**
 * Rate-limit response headers, in each provider's dialect, read into one shape: per window, what
 * the provider said about its limit, what is left and when it refills, plus how long it asked us
 * to wait. Header values are untrusted text: anything malformed or implausible is left out, and
 * nothing here throws.
 */
import {
  parseCount,
  parseDuration,
  parseEpoch,
  parseHttpDate,
  parseRfc3339,
  plausible,
} from './headerValues.ts';

/** Every header dialect the catalog can name; `z.enum(HEADER_DIALECTS)` validates one. */
export const HEADER_DIALECTS = [
  'openai',
  'groq',
  'anthropic',
  'cerebras',
  'openrouter',
  'together',
  'mistral',
  'fireworks',
  'github',
  'none',
] as const;

/** Which family of rate-limit headers a provider sends (see PROVIDERS.md section 4). */
export type HeaderDialect = (typeof HEADER_DIALECTS)[number];

/**
 * Reads one response header by its lower-case name ("x-ratelimit-remaining-requests"), returning
 * undefined when absent. Case-insensitive matching is the caller's job (undici's Headers does it).
 */
export type HeaderLookup = (name: string) => string | undefined;

/** Every rate window a provider can report. */
export const RATE_WINDOWS = [
  'rpm',
  'rpd',
  'tpm',
  'tpd',
  'rps',
  'tps',
  'itpm',
  'otpm',
  'rph',
  'tpmonth',
] as const;

/**
 * A rate window: requests or tokens per second, minute, hour, day or month. `itpm` and `otpm` are
 * input and output tokens per minute, which Anthropic and Fireworks limit separately.
 */
export type RateWindow = (typeof RATE_WINDOWS)[number];

/** What a provider said about one window. Every field is optional: providers send subsets. */
export interface WindowObservation {
  window: RateWindow;
  limit?: number;
  remaining?: number;
  /** Epoch ms at which the provider says the window is full again. */
  resetAt?: number;
}

/** What one response's headers said about the key's rate limits. */
export interface RateLimitObservation {
  windows: WindowObservation[];
  /** How long the provider asked us to wait (retry-after-ms, else retry-after), in ms. */
  retryAfterMs?: number;
}

/** The windows whose reset is at most this far away are per-minute; further ones are daily. */
const OPENROUTER_MINUTE_HORIZON_MS = 120_000;

/**
 * How long the response asks us to wait, read the way the Stainless SDKs (openai, anthropic) read
 * it: `retry-after-ms` (ms, float), then `retry-after` as seconds (float allowed), then as an
 * HTTP-date relative to `now` (a date in the past means "now": 0). Unlike the SDKs, no upper bound
 * is applied here beyond plausibility; the classifier caps what it acts on.
 */
export function parseRetryAfterMs(headers: HeaderLookup, now: number): number | undefined {
  const ms = parseCount(read(headers, 'retry-after-ms'));
  if (ms !== undefined && plausible(ms) !== undefined) return ms;
  const raw = read(headers, 'retry-after');
  const seconds = parseCount(raw);
  if (seconds !== undefined) return plausible(seconds * 1000);
  const date = parseHttpDate(raw);
  if (date === undefined || !Number.isFinite(now)) return undefined;
  return plausible(Math.max(0, date - now));
}

function windowOf(
  window: RateWindow,
  limit: number | undefined,
  remaining: number | undefined,
  resetAt: number | undefined,
): WindowObservation | undefined {
  if (limit === undefined && remaining === undefined && resetAt === undefined) return undefined;
  const out: WindowObservation = { window };
  if (limit !== undefined) out.limit = limit;
  if (remaining !== undefined) out.remaining = remaining;
  if (resetAt !== undefined) out.resetAt = resetAt;
  return out;
}

function after(now: number, ms: number | undefined): number | undefined {
  if (ms === undefined || !Number.isFinite(now)) return undefined;
  return now + ms;
}

function absolute(now: number, at: number | undefined): number | undefined {
  if (at === undefined || !Number.isFinite(now)) return undefined;
  return plausible(Math.abs(at - now)) === undefined ? undefined : at;
}

/**
 * One header's value: undefined when absent, and when the lookup throws or gives something other
 * than a string (the lookup is the caller's, over untrusted input).
 */
function read(headers: HeaderLookup, name: string): string | undefined {
  try {
    const value = headers(name);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The first of several names that is present. */
function readFirst(headers: HeaderLookup, names: readonly string[]): string | undefined {
  for (let i = 0; i < names.length; i++) {
    const value = read(headers, names[i] as string);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Adds a window that says something. */
function add(out: WindowObservation[], window: WindowObservation | undefined): void {
  if (window !== undefined) out.push(window);
}

/** A window whose limit and remaining are header counts (see {@link parseCount}). */
function countedWindow(
  window: RateWindow,
  limit: string | undefined,
  remaining: string | undefined,
  resetAt: number | undefined,
): WindowObservation | undefined {
  return windowOf(window, parseCount(limit), parseCount(remaining), resetAt);
}

/** A reset the header gives as a duration from now (Go duration or float seconds). */
function resetIn(now: number, raw: string | undefined): number | undefined {
  return after(now, parseDuration(raw));
}

/** Reads a dialect's windows from the headers into `out`. */
type Reader = (h: HeaderLookup, now: number, out: WindowObservation[]) => void;

/**
 * The names of one window's limit, remaining and reset headers, each a list of alternatives read
 * in order. Built once: a name made per lookup was a string per header per response.
 */
interface WindowNames {
  limit: readonly string[];
  remaining: readonly string[];
  reset: readonly string[];
}

/** OpenAI's naming, `x-ratelimit-{limit,remaining,reset}-<name>` for each name given. */
function openAiNames(...names: string[]): WindowNames {
  return {
    limit: names.map((name) => `x-ratelimit-limit-${name}`),
    remaining: names.map((name) => `x-ratelimit-remaining-${name}`),
    reset: names.map((name) => `x-ratelimit-reset-${name}`),
  };
}

/** A window in OpenAI's naming, the reset a duration. */
function openAiNamed(
  h: HeaderLookup,
  now: number,
  window: RateWindow,
  names: WindowNames,
): WindowObservation | undefined {
  return countedWindow(
    window,
    readFirst(h, names.limit),
    readFirst(h, names.remaining),
    resetIn(now, readFirst(h, names.reset)),
  );
}

const OPENAI_REQUESTS = openAiNames('requests');
const OPENAI_TOKENS = openAiNames('tokens', 'tokens_usage_based');

/** OpenAI's six headers; Groq uses the same names with the requests window per day. */
function openAiStyle(requestsWindow: RateWindow): Reader {
  return (h, now, out) => {
    add(out, openAiNamed(h, now, requestsWindow, OPENAI_REQUESTS));
    add(out, openAiNamed(h, now, 'tpm', OPENAI_TOKENS));
  };
}

const CEREBRAS_REQUESTS = openAiNames('requests-day');
const CEREBRAS_TOKENS = openAiNames('tokens-minute');

/** Anthropic's `anthropic-ratelimit-<name>-{limit,remaining,reset}` for one window. */
function anthropicNames(window: RateWindow, name: string): [RateWindow, string, string, string] {
  const prefix = `anthropic-ratelimit-${name}`;
  return [window, `${prefix}-limit`, `${prefix}-remaining`, `${prefix}-reset`];
}

const ANTHROPIC_WINDOWS = [
  anthropicNames('rpm', 'requests'),
  anthropicNames('tpm', 'tokens'),
  anthropicNames('itpm', 'input-tokens'),
  anthropicNames('otpm', 'output-tokens'),
];

const MISTRAL_TOKENS_LIMIT = [
  'x-ratelimit-limit-tokens-minute',
  'x-ratelimitbysize-limit-minute',
  'ratelimitbysize-limit',
];
const MISTRAL_TOKENS_REMAINING = [
  'x-ratelimit-remaining-tokens-minute',
  'x-ratelimitbysize-remaining-minute',
  'ratelimitbysize-remaining',
];

/** GitHub Models' `x-ratelimit-type` names the limit a 429 hit, e.g. "UserByModelByDay". */
function githubWindow(type: string | undefined): RateWindow | undefined {
  if (type === undefined) return undefined;
  const tokens = /Tokens/i.test(type);
  if (/ByDay/i.test(type)) return tokens ? 'tpd' : 'rpd';
  if (/ByMinute/i.test(type)) {
    if (/OutputTokens/i.test(type)) return 'otpm';
    if (/InputTokens/i.test(type)) return 'itpm';
    return tokens ? 'tpm' : 'rpm';
  }
  if (/ByHour/i.test(type) && !tokens) return 'rph';
  if (/ByMonth/i.test(type) && tokens) return 'tpmonth';
  return undefined;
}

/** Fireworks reports its adaptive limits in tokens per second but enforces them per minute. */
function perMinute(raw: string | undefined): number | undefined {
  const n = parseCount(raw);
  return n === undefined ? undefined : n * 60;
}

const READERS: Record<HeaderDialect, Reader> = {
  openai: openAiStyle('rpm'),
  groq: openAiStyle('rpd'),
  anthropic: (h, _now, out) => {
    for (const [window, limit, remaining, reset] of ANTHROPIC_WINDOWS) {
      add(
        out,
        countedWindow(window, read(h, limit), read(h, remaining), parseRfc3339(read(h, reset))),
      );
    }
  },
  cerebras: (h, now, out) => {
    add(out, openAiNamed(h, now, 'rpd', CEREBRAS_REQUESTS));
    add(out, openAiNamed(h, now, 'tpm', CEREBRAS_TOKENS));
  },
  // One window, and the headers do not say which: the free tier has a per-minute and a per-day
  // limit. A reset more than two minutes away can only be the daily one.
  openrouter: (h, now, out) => {
    const resetAt = absolute(now, parseEpoch(read(h, 'x-ratelimit-reset')));
    const daily = resetAt !== undefined && resetAt - now > OPENROUTER_MINUTE_HORIZON_MS;
    add(
      out,
      countedWindow(
        daily ? 'rpd' : 'rpm',
        read(h, 'x-ratelimit-limit'),
        read(h, 'x-ratelimit-remaining'),
        resetAt,
      ),
    );
  },
  // Per second. x-ratelimit-limit-dynamic is left out: its unit is not documented.
  together: (h, now, out) => {
    add(
      out,
      countedWindow(
        'rps',
        read(h, 'x-ratelimit-limit'),
        read(h, 'x-ratelimit-remaining'),
        resetIn(now, read(h, 'x-ratelimit-reset')),
      ),
    );
    add(
      out,
      countedWindow(
        'tps',
        read(h, 'x-tokenlimit-limit'),
        read(h, 'x-tokenlimit-remaining'),
        undefined,
      ),
    );
  },
  // Current names first; the older "ratelimitbysize" family is the same tokens-per-minute limit.
  mistral: (h, now, out) => {
    add(
      out,
      countedWindow(
        'rpm',
        read(h, 'x-ratelimit-limit-req-minute'),
        read(h, 'x-ratelimit-remaining-req-minute'),
        undefined,
      ),
    );
    add(
      out,
      countedWindow(
        'tpm',
        readFirst(h, MISTRAL_TOKENS_LIMIT),
        readFirst(h, MISTRAL_TOKENS_REMAINING),
        resetIn(now, read(h, 'ratelimitbysize-reset')),
      ),
    );
    add(
      out,
      countedWindow(
        'tpmonth',
        read(h, 'x-ratelimitbysize-limit-month'),
        read(h, 'x-ratelimitbysize-remaining-month'),
        undefined,
      ),
    );
  },
  fireworks: (h, _now, out) => {
    add(
      out,
      windowOf('itpm', perMinute(read(h, 'x-ratelimit-limit-tokens-prompt')), undefined, undefined),
    );
    add(
      out,
      windowOf(
        'otpm',
        perMinute(read(h, 'x-ratelimit-limit-tokens-generated')),
        undefined,
        undefined,
      ),
    );
  },
  // Only on a 429: the type says which limit is spent; retry-after says for how long.
  github: (h, now, out) => {
    const window = githubWindow(read(h, 'x-ratelimit-type'));
    if (window !== undefined)
      add(out, windowOf(window, undefined, 0, after(now, parseRetryAfterMs(h, now))));
  },
  none: () => {},
};

/**
 * The windows a response's headers report in the given dialect: what the limiter learns from
 * every answer, without the retry-after that {@link parseRateLimitHeaders} also reads.
 */
export function parseRateLimitWindows(
  dialect: HeaderDialect,
  headers: HeaderLookup,
  now: number,
): WindowObservation[] {
  const windows: WindowObservation[] = [];
  (READERS[dialect] ?? READERS.none)(headers, now, windows);
  return windows;
}

/**
 * Reads a response's rate-limit headers in the given dialect.
 *
 * Relative resets (OpenAI and Groq durations, Cerebras and Together seconds, retry-after) are
 * made absolute against `now`; absolute ones (Anthropic RFC 3339, OpenRouter epoch ms) are kept.
 * `retry-after-ms` / `retry-after` are read for every dialect. Malformed, negative or implausible
 * values (beyond {@link MAX_PLAUSIBLE_MS}) are dropped; the result never holds NaN or Infinity.
 *
 * @param dialect the provider's header dialect (from the catalog)
 * @param headers lookup by lower-case header name
 * @param now epoch ms at which the response arrived
 */
export function parseRateLimitHeaders(
  dialect: HeaderDialect,
  headers: HeaderLookup,
  now: number,
): RateLimitObservation {
  const observation: RateLimitObservation = {
    windows: parseRateLimitWindows(dialect, headers, now),
  };
  const retryAfterMs = parseRetryAfterMs(headers, now);
  if (retryAfterMs !== undefined) observation.retryAfterMs = retryAfterMs;
  return observation;
}

/** A lookup over a plain object of headers (as echoed in error bodies), ignoring name case. */
export function headerLookupFromRecord(record: Record<string, unknown>): HeaderLookup {
  const lower = new Map<string, string>();
  for (const [name, value] of Object.entries(record)) {
    if (typeof value === 'string') lower.set(name.toLowerCase(), value);
    else if (typeof value === 'number' && Number.isFinite(value))
      lower.set(name.toLowerCase(), String(value));
  }
  return (name) => lower.get(name.toLowerCase());
}
