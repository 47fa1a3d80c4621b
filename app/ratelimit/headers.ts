/**
 * Rate-limit response headers, in each provider's dialect, read into one shape: per window, what
 * the provider said about its limit, what is left and when it refills, plus how long it asked us
 * to wait. Header values are untrusted text: anything malformed or implausible is left out, and
 * nothing here throws.
 */

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
 * Durations and reset times further away than this are treated as garbage: no provider window is
 * longer than a month, and a misplaced digit must not park a key for years.
 */
export const MAX_PLAUSIBLE_MS = 400 * 86_400_000;

const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/** The first of several comma-joined values (proxies fold repeated headers into "60, 60"). */
function firstValue(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const comma = raw.indexOf(',');
  return (comma === -1 ? raw : raw.slice(0, comma)).trim();
}

function plausible(ms: number): number | undefined {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_PLAUSIBLE_MS ? ms : undefined;
}

/** A non-negative decimal count ("14400", "33011.38"), else undefined. */
export function parseCount(raw: string | undefined): number | undefined {
  const value = firstValue(raw);
  if (value === undefined || !DECIMAL.test(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * A Go-style duration as OpenAI and Groq send it ("1s", "6m0s", "12ms", "1h2m3.5s", "0s"), in ms.
 * A bare number is read as seconds, as several OpenAI-compatible servers send it.
 */
export function parseDuration(raw: string | undefined): number | undefined {
  const value = firstValue(raw);
  if (value === undefined || value === '') return undefined;
  if (DECIMAL.test(value)) return plausible(Number(value) * 1000);
  DURATION_PART.lastIndex = 0;
  let total = 0;
  while (DURATION_PART.lastIndex < value.length) {
    const start = DURATION_PART.lastIndex;
    const match = DURATION_PART.exec(value);
    if (match === null || match.index !== start) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] ?? Number.NaN);
  }
  return plausible(total);
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** An RFC 3339 timestamp ("2025-08-21T12:40:59Z", with fraction or offset), as epoch ms. */
export function parseRfc3339(raw: string | undefined): number | undefined {
  const m = RFC3339.exec(raw?.trim() ?? '');
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 60) return undefined;
  const fraction = m[7] === undefined ? 0 : Number(m[7]) * 1000;
  let offsetMin = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second) + fraction - offsetMin * 60_000;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/**
 * An HTTP-date in the IMF-fixdate form every current server sends ("Wed, 21 Oct 2015 07:28:00
 * GMT"), as epoch ms. Parsed by hand: `Date.parse` accepts garbage such as "1" and reads it in the
 * machine's local zone.
 */
export function parseHttpDate(raw: string | undefined): number | undefined {
  const m = IMF_FIXDATE.exec(raw?.trim() ?? '');
  if (m === null) return undefined;
  const day = Number(m[1]);
  const month = MONTHS.indexOf(m[2] as string) + 1;
  const year = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 60) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/**
 * An epoch timestamp in seconds or milliseconds, told apart by size: below 10^11 it is seconds
 * (10^11 s is the year 5138; 10^11 ms is 1973).
 */
export function parseEpoch(raw: string | undefined): number | undefined {
  const n = parseCount(raw);
  if (n === undefined) return undefined;
  return n < 1e11 ? n * 1000 : n;
}

/**
 * How long the response asks us to wait, read the way the Stainless SDKs (openai, anthropic) read
 * it: `retry-after-ms` (ms, float), then `retry-after` as seconds (float allowed), then as an
 * HTTP-date relative to `now` (a date in the past means "now": 0). Unlike the SDKs, no upper bound
 * is applied here beyond plausibility; the classifier caps what it acts on.
 */
export function parseRetryAfterMs(headers: HeaderLookup, now: number): number | undefined {
  const ms = parseCount(headers('retry-after-ms'));
  if (ms !== undefined && plausible(ms) !== undefined) return ms;
  const raw = headers('retry-after');
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

type Reader = (h: HeaderLookup, now: number) => Array<WindowObservation | undefined>;

/** OpenAI's six headers; Groq uses the same names with the requests window per day. */
function openAiStyle(requestsWindow: RateWindow): Reader {
  return (h, now) => {
    const tokens = (kind: 'limit' | 'remaining' | 'reset'): string | undefined =>
      h(`x-ratelimit-${kind}-tokens`) ?? h(`x-ratelimit-${kind}-tokens_usage_based`);
    return [
      windowOf(
        requestsWindow,
        parseCount(h('x-ratelimit-limit-requests')),
        parseCount(h('x-ratelimit-remaining-requests')),
        after(now, parseDuration(h('x-ratelimit-reset-requests'))),
      ),
      windowOf(
        'tpm',
        parseCount(tokens('limit')),
        parseCount(tokens('remaining')),
        after(now, parseDuration(tokens('reset'))),
      ),
    ];
  };
}

const ANTHROPIC_WINDOWS: ReadonlyArray<[string, RateWindow]> = [
  ['requests', 'rpm'],
  ['tokens', 'tpm'],
  ['input-tokens', 'itpm'],
  ['output-tokens', 'otpm'],
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

const READERS: Record<HeaderDialect, Reader> = {
  openai: openAiStyle('rpm'),
  groq: openAiStyle('rpd'),
  anthropic: (h) =>
    ANTHROPIC_WINDOWS.map(([name, window]) =>
      windowOf(
        window,
        parseCount(h(`anthropic-ratelimit-${name}-limit`)),
        parseCount(h(`anthropic-ratelimit-${name}-remaining`)),
        parseRfc3339(h(`anthropic-ratelimit-${name}-reset`)),
      ),
    ),
  cerebras: (h, now) => [
    windowOf(
      'rpd',
      parseCount(h('x-ratelimit-limit-requests-day')),
      parseCount(h('x-ratelimit-remaining-requests-day')),
      after(now, parseDuration(h('x-ratelimit-reset-requests-day'))),
    ),
    windowOf(
      'tpm',
      parseCount(h('x-ratelimit-limit-tokens-minute')),
      parseCount(h('x-ratelimit-remaining-tokens-minute')),
      after(now, parseDuration(h('x-ratelimit-reset-tokens-minute'))),
    ),
  ],
  // One window, and the headers do not say which: the free tier has a per-minute and a per-day
  // limit. A reset more than two minutes away can only be the daily one.
  openrouter: (h, now) => {
    const resetAt = absolute(now, parseEpoch(h('x-ratelimit-reset')));
    const daily = resetAt !== undefined && resetAt - now > OPENROUTER_MINUTE_HORIZON_MS;
    return [
      windowOf(
        daily ? 'rpd' : 'rpm',
        parseCount(h('x-ratelimit-limit')),
        parseCount(h('x-ratelimit-remaining')),
        resetAt,
      ),
    ];
  },
  // Per second. x-ratelimit-limit-dynamic is left out: its unit is not documented.
  together: (h, now) => [
    windowOf(
      'rps',
      parseCount(h('x-ratelimit-limit')),
      parseCount(h('x-ratelimit-remaining')),
      after(now, parseDuration(h('x-ratelimit-reset'))),
    ),
    windowOf(
      'tps',
      parseCount(h('x-tokenlimit-limit')),
      parseCount(h('x-tokenlimit-remaining')),
      undefined,
    ),
  ],
  // Current names first; the older "ratelimitbysize" family is the same tokens-per-minute limit.
  mistral: (h, now) => [
    windowOf(
      'rpm',
      parseCount(h('x-ratelimit-limit-req-minute')),
      parseCount(h('x-ratelimit-remaining-req-minute')),
      undefined,
    ),
    windowOf(
      'tpm',
      parseCount(
        h('x-ratelimit-limit-tokens-minute') ??
          h('x-ratelimitbysize-limit-minute') ??
          h('ratelimitbysize-limit'),
      ),
      parseCount(
        h('x-ratelimit-remaining-tokens-minute') ??
          h('x-ratelimitbysize-remaining-minute') ??
          h('ratelimitbysize-remaining'),
      ),
      after(now, parseDuration(h('ratelimitbysize-reset'))),
    ),
    windowOf(
      'tpmonth',
      parseCount(h('x-ratelimitbysize-limit-month')),
      parseCount(h('x-ratelimitbysize-remaining-month')),
      undefined,
    ),
  ],
  // Fireworks reports its adaptive limits in tokens per second but enforces them per minute.
  fireworks: (h) => {
    const perMinute = (raw: string | undefined): number | undefined => {
      const n = parseCount(raw);
      return n === undefined ? undefined : n * 60;
    };
    return [
      windowOf('itpm', perMinute(h('x-ratelimit-limit-tokens-prompt')), undefined, undefined),
      windowOf('otpm', perMinute(h('x-ratelimit-limit-tokens-generated')), undefined, undefined),
    ];
  },
  // Only on a 429: the type says which limit is spent; retry-after says for how long.
  github: (h, now) => {
    const window = githubWindow(h('x-ratelimit-type'));
    if (window === undefined) return [];
    return [windowOf(window, undefined, 0, after(now, parseRetryAfterMs(h, now)))];
  },
  none: () => [],
};

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
  const safe: HeaderLookup = (name) => {
    try {
      const value = headers(name);
      return typeof value === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const reader = READERS[dialect] ?? READERS.none;
  const windows = reader(safe, now).filter((w): w is WindowObservation => w !== undefined);
  const observation: RateLimitObservation = { windows };
  const retryAfterMs = parseRetryAfterMs(safe, now);
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
