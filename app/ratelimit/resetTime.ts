/**
 * When a quota resets, as an instant: "00:00 in America/Los_Angeles" or "00:00 UTC on the 1st".
 *
 * Wall-clock parts come from `Intl.DateTimeFormat` (pure: no clock is read), so daylight saving
 * time is handled by the zone database rather than by fixed offsets.
 */

/** Wall-clock fields of one instant in one zone; `month` is 1-12. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const DAY_MS = 86_400_000;
const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zones the runtime lists by their canonical names, read on the first check. */
let listedZones: ReadonlySet<string> | undefined;

/**
 * True when the runtime's time-zone database knows `timeZone` (e.g. "Asia/Shanghai", "UTC").
 * A listed zone is known without a formatter: the first formatter loads ~8 MB of ICU's zone and
 * locale data (a bare node's RSS 41.8 -> 49.9 MB; the list costs 0.3), which validating the catalog
 * at start would otherwise load into an engine that may never read a wall clock. Names the list
 * leaves out (aliases such as "Asia/Kolkata", other spellings) are tried with a formatter.
 */
export function isValidTimeZone(timeZone: string): boolean {
  if (formatters.has(timeZone) || timeZone === 'UTC') return true;
  if ((listedZones ??= new Set(Intl.supportedValuesOf('timeZone'))).has(timeZone)) return true;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at the instant `epochMs`. Throws RangeError for an unknown zone. */
export function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const field = (type: Intl.DateTimeFormatPartTypes): number => {
    const part = parts.find((p) => p.type === type);
    return part === undefined ? 0 : Number(part.value);
  };
  return {
    year: field('year'),
    month: field('month'),
    day: field('day'),
    hour: field('hour'),
    minute: field('minute'),
    second: field('second'),
  };
}

/** How far the zone's wall clock is ahead of UTC at `epochMs`, in ms (negative west of Greenwich). */
function offsetAt(epochMs: number, timeZone: string): number {
  const whole = Math.floor(epochMs / 1000) * 1000;
  const w = wallClockAt(whole, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - whole;
}

/**
 * The instant at which the wall clock in `timeZone` reads the given local time. Where the time
 * occurs twice (the autumn fall-back hour) the earlier instant wins; where it never occurs (the
 * spring-forward gap) the clock is read with the offset in force before the gap, which lands just
 * after it (02:30 on a spring-forward night becomes 03:30). This matches Temporal's "compatible".
 */
export function zonedTimeToEpoch(
  local: Omit<WallClock, 'second'> & { second?: number },
  timeZone: string,
): number {
  const wall = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second ?? 0,
  );
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [wall - before, wall - after].filter(
    (t) => offsetAt(t, timeZone) === wall - t,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before;
}

/**
 * The first instant strictly after `now` at which a daily or monthly quota resets.
 *
 * @param now epoch ms
 * @param time local reset time "HH:MM", 24-hour clock (e.g. "00:00")
 * @param timeZone IANA zone name, e.g. "America/Los_Angeles", "UTC", "Asia/Shanghai"
 * @param kind "daily": every day at `time`; "monthly": on the 1st of each month at `time`
 * @returns epoch ms of the next reset
 * @throws RangeError for a malformed `time`, an unknown `timeZone` or a non-finite `now`
 */
export function nextReset(
  now: number,
  time: string,
  timeZone: string,
  kind: 'daily' | 'monthly',
): number {
  const match = TIME_PATTERN.exec(time);
  if (match === null) throw new RangeError(`reset time must be "HH:MM" (24-hour), got "${time}"`);
  if (!Number.isFinite(now)) throw new RangeError('now must be a finite epoch time in ms');
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  const today = wallClockAt(now, timeZone);

  // Date.UTC normalises day and month overflow (day 32, month 13), so "next" is plain arithmetic.
  const at = (year: number, month: number, day: number): number => {
    const d = new Date(Date.UTC(year, month - 1, day));
    return zonedTimeToEpoch(
      {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour,
        minute,
      },
      timeZone,
    );
  };

  // A loop rather than "today or tomorrow": zones have skipped whole days (Pacific/Apia, 2011).
  let step = 0;
  let candidate: number;
  do {
    candidate =
      kind === 'daily'
        ? at(today.year, today.month, today.day + step)
        : at(today.year, today.month + step, 1);
    step += 1;
  } while (candidate <= now);
  return candidate;
}
