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

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Whether the text is a plain decimal: digits with at most one point, at least one digit ("60",
 * "33011.38", "5.", ".5"). Scanned by hand: header values are read on every response.
 */
function isDecimal(value: string): boolean {
  let digits = 0;
  let points = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (isDigit(code)) digits++;
    else if (code === 46 && points === 0) points++;
    else return false;
  }
  return digits > 0;
}

/** Exact powers of ten: every one up to 10^22 is a double. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The number a plain decimal (see {@link isDecimal}) between `start` and `end` names: what
 * `Number()` of that text gives. With at most 15 digits the digits form an exact integer and
 * dividing it by an exact power of ten rounds the same real number as `Number()` does, once, so
 * the result is the same double without cutting out and converting a string.
 */
function decimalValue(value: string, start: number, end: number): number {
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (let i = start; i < end; i++) {
    const code = value.charCodeAt(i);
    if (code === 46) {
      fraction = 0;
      continue;
    }
    mantissa = mantissa * 10 + (code - 48);
    digits++;
    if (fraction >= 0) fraction++;
  }
  if (digits > 15) return Number(value.slice(start, end));
  return fraction > 0 ? mantissa / (POWERS_OF_TEN[fraction] as number) : mantissa;
}

/** A non-negative decimal count ("14400", "33011.38"), else undefined. */
export function parseCount(raw: string | undefined): number | undefined {
  const value = firstValue(raw);
  if (value === undefined || !isDecimal(value)) return undefined;
  const n = decimalValue(value, 0, value.length);
  return Number.isFinite(n) ? n : undefined;
}

/** Ms per unit of a Go duration ("ns", "us" or "µs", "ms", "s", "m", "h") at `at`, and its length. */
function unitAt(value: string, at: number): [number, number] | undefined {
  const unit = value.charCodeAt(at);
  const next = value.charCodeAt(at + 1);
  const seconds = next === 115; // "s"
  // Micro as U+00B5 and U+03BC, by code: one non-ASCII character in the bundle makes V8 hold the
  // whole engine's source (cli.js, ~550 KB) as a two-byte string, twice the memory.
  if (unit === 110 /* n */ && seconds) return NANOSECONDS;
  if ((unit === 117 /* u */ || unit === 0xb5 || unit === 0x3bc) && seconds) return MICROSECONDS;
  if (unit === 109 /* m */) return seconds ? MILLISECONDS : MINUTES;
  if (unit === 115 /* s */) return SECONDS;
  if (unit === 104 /* h */) return HOURS;
  return undefined;
}

const NANOSECONDS: [number, number] = [1e-6, 2];
const MICROSECONDS: [number, number] = [1e-3, 2];
const MILLISECONDS: [number, number] = [1, 2];
const SECONDS: [number, number] = [1000, 1];
const MINUTES: [number, number] = [60_000, 1];
const HOURS: [number, number] = [3_600_000, 1];

/**
 * A Go-style duration as OpenAI and Groq send it ("1s", "6m0s", "12ms", "1h2m3.5s", "0s"), in ms.
 * A bare number is read as seconds, as several OpenAI-compatible servers send it.
 */
export function parseDuration(raw: string | undefined): number | undefined {
  const value = firstValue(raw);
  if (value === undefined || value === '') return undefined;
  if (isDecimal(value)) return plausible(decimalValue(value, 0, value.length) * 1000);
  let total = 0;
  let i = 0;
  while (i < value.length) {
    // Each part: digits with an optional point and fraction, or a point and digits; then a unit.
    const start = i;
    while (isDigit(value.charCodeAt(i))) i++;
    const whole = i - start;
    let fraction = 0;
    if (value.charCodeAt(i) === 46) {
      const point = ++i;
      while (isDigit(value.charCodeAt(i))) i++;
      fraction = i - point;
    }
    if (whole === 0 && fraction === 0) return undefined;
    const unit = unitAt(value, i);
    if (unit === undefined) return undefined;
    total += decimalValue(value, start, i) * unit[0];
    i += unit[1];
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
