/**
 * How one rate-limit header's value reads: counts, Go-style durations, RFC 3339 and HTTP dates,
 * epoch stamps. Values are untrusted text: malformed or implausible ones read as undefined, and
 * nothing here throws. headers.ts maps each dialect's header names onto these.
 */

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

/** A duration or distance in time within {@link MAX_PLAUSIBLE_MS}, else undefined. */
export function plausible(ms: number): number | undefined {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_PLAUSIBLE_MS ? ms : undefined;
}

/** A non-negative decimal count ("14400", "33011.38"), else undefined. */
export function parseCount(raw: string | undefined): number | undefined {
  const value = firstValue(raw);
  if (value === undefined || !DECIMAL.test(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

// Micro as U+00B5 and U+03BC, escaped: one non-ASCII character in the bundle makes V8 hold the
// whole engine's source (cli.js, ~550 KB) as a two-byte string, twice the memory.
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/y;
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  '\u00b5s': 1e-3,
  '\u03bcs': 1e-3,
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
