import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isValidTimeZone,
  nextReset,
  wallClockAt,
  zonedTimeToEpoch,
} from '../../../app/ratelimit/resetTime.ts';

const at = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;

describe('nextReset daily', () => {
  it('UTC: the next 00:00 UTC', () => {
    expect(nextReset(at('2025-03-10T12:34:00Z'), '00:00', 'UTC', 'daily')).toBe(
      at('2025-03-11T00:00:00Z'),
    );
    expect(nextReset(at('2025-03-10T23:59:59.999Z'), '00:00', 'UTC', 'daily')).toBe(
      at('2025-03-11T00:00:00Z'),
    );
  });

  it('is strictly after now: at the reset instant the next one is returned', () => {
    expect(nextReset(at('2025-03-11T00:00:00Z'), '00:00', 'UTC', 'daily')).toBe(
      at('2025-03-12T00:00:00Z'),
    );
  });

  it('a reset later today is today', () => {
    expect(nextReset(at('2025-03-10T05:00:00Z'), '07:30', 'UTC', 'daily')).toBe(
      at('2025-03-10T07:30:00Z'),
    );
  });

  it('America/Los_Angeles in winter (PST, UTC-8)', () => {
    expect(nextReset(at('2025-01-15T20:00:00Z'), '00:00', 'America/Los_Angeles', 'daily')).toBe(
      at('2025-01-16T08:00:00Z'),
    );
  });

  it('America/Los_Angeles in summer (PDT, UTC-7)', () => {
    expect(nextReset(at('2025-07-15T20:00:00Z'), '00:00', 'America/Los_Angeles', 'daily')).toBe(
      at('2025-07-16T07:00:00Z'),
    );
  });

  it('before 00:00 Pacific but after 00:00 UTC the reset is still tonight Pacific', () => {
    // 2025-07-16T03:00Z is 20:00 PDT on the 15th.
    expect(nextReset(at('2025-07-16T03:00:00Z'), '00:00', 'America/Los_Angeles', 'daily')).toBe(
      at('2025-07-16T07:00:00Z'),
    );
  });

  it('spring-forward day (2025-03-09) in Los Angeles lasts 23 hours', () => {
    const first = nextReset(at('2025-03-08T20:00:00Z'), '00:00', 'America/Los_Angeles', 'daily');
    expect(first).toBe(at('2025-03-09T08:00:00Z'));
    const second = nextReset(first, '00:00', 'America/Los_Angeles', 'daily');
    expect(second).toBe(at('2025-03-10T07:00:00Z'));
    expect(second - first).toBe(23 * HOUR);
  });

  it('fall-back day (2025-11-02) in Los Angeles lasts 25 hours', () => {
    const first = nextReset(at('2025-11-01T20:00:00Z'), '00:00', 'America/Los_Angeles', 'daily');
    expect(first).toBe(at('2025-11-02T07:00:00Z'));
    const second = nextReset(first, '00:00', 'America/Los_Angeles', 'daily');
    expect(second).toBe(at('2025-11-03T08:00:00Z'));
    expect(second - first).toBe(25 * HOUR);
  });

  it('a reset time inside the spring-forward gap lands just after it', () => {
    // 02:30 does not exist on 2025-03-09 in Los Angeles; 03:30 PDT is 10:30Z.
    expect(nextReset(at('2025-03-09T08:00:00Z'), '02:30', 'America/Los_Angeles', 'daily')).toBe(
      at('2025-03-09T10:30:00Z'),
    );
  });

  it('a reset time inside the fall-back overlap takes its first occurrence', () => {
    // 01:30 happens twice on 2025-11-02: 08:30Z (PDT), then 09:30Z (PST).
    expect(nextReset(at('2025-11-02T07:00:00Z'), '01:30', 'America/Los_Angeles', 'daily')).toBe(
      at('2025-11-02T08:30:00Z'),
    );
    // Between the two occurrences, the next reset is the following day's.
    expect(nextReset(at('2025-11-02T09:00:00Z'), '01:30', 'America/Los_Angeles', 'daily')).toBe(
      at('2025-11-03T09:30:00Z'),
    );
  });

  it('Asia/Shanghai (UTC+8, no DST)', () => {
    expect(nextReset(at('2025-06-01T15:59:00Z'), '00:00', 'Asia/Shanghai', 'daily')).toBe(
      at('2025-06-01T16:00:00Z'),
    );
    expect(nextReset(at('2025-06-01T16:00:00Z'), '00:00', 'Asia/Shanghai', 'daily')).toBe(
      at('2025-06-02T16:00:00Z'),
    );
  });

  it('crosses month and year ends', () => {
    expect(nextReset(at('2025-12-31T12:00:00Z'), '00:00', 'UTC', 'daily')).toBe(
      at('2026-01-01T00:00:00Z'),
    );
    expect(nextReset(at('2024-02-28T12:00:00Z'), '00:00', 'UTC', 'daily')).toBe(
      at('2024-02-29T00:00:00Z'),
    );
  });
});

describe('nextReset monthly', () => {
  it('UTC: 00:00 on the 1st', () => {
    expect(nextReset(at('2025-01-31T23:00:00Z'), '00:00', 'UTC', 'monthly')).toBe(
      at('2025-02-01T00:00:00Z'),
    );
    expect(nextReset(at('2025-12-15T00:00:00Z'), '00:00', 'UTC', 'monthly')).toBe(
      at('2026-01-01T00:00:00Z'),
    );
  });

  it('at the reset instant the following month is returned', () => {
    expect(nextReset(at('2025-02-01T00:00:00Z'), '00:00', 'UTC', 'monthly')).toBe(
      at('2025-03-01T00:00:00Z'),
    );
  });

  it('Los Angeles across the DST switch uses the offset of the reset day', () => {
    expect(nextReset(at('2025-03-15T00:00:00Z'), '00:00', 'America/Los_Angeles', 'monthly')).toBe(
      at('2025-04-01T07:00:00Z'),
    );
    expect(nextReset(at('2025-10-15T00:00:00Z'), '00:00', 'America/Los_Angeles', 'monthly')).toBe(
      at('2025-11-01T07:00:00Z'),
    );
    expect(nextReset(at('2025-11-15T00:00:00Z'), '00:00', 'America/Los_Angeles', 'monthly')).toBe(
      at('2025-12-01T08:00:00Z'),
    );
  });

  it('Asia/Shanghai monthly', () => {
    expect(nextReset(at('2025-05-31T16:30:00Z'), '00:00', 'Asia/Shanghai', 'monthly')).toBe(
      at('2025-06-30T16:00:00Z'),
    );
  });
});

describe('nextReset input checks', () => {
  it('rejects malformed times, unknown zones and non-finite now', () => {
    expect(() => nextReset(0, '24:00', 'UTC', 'daily')).toThrow(RangeError);
    expect(() => nextReset(0, '7:00', 'UTC', 'daily')).toThrow(RangeError);
    expect(() => nextReset(0, '00:00', 'Mars/Olympus_Mons', 'daily')).toThrow(RangeError);
    expect(() => nextReset(Number.NaN, '00:00', 'UTC', 'daily')).toThrow(RangeError);
  });

  it('isValidTimeZone tells known zones from unknown ones', () => {
    expect(isValidTimeZone('America/Los_Angeles')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Nowhere/Special')).toBe(false);
    // Names the runtime's list leaves out are still known: aliases and other spellings.
    expect(isValidTimeZone('Asia/Kolkata')).toBe(true);
    expect(isValidTimeZone('Etc/UTC')).toBe(true);
    expect(isValidTimeZone('europe/paris')).toBe(true);
  });
});

describe('wall clock helpers', () => {
  it('wallClockAt reads the zone wall clock', () => {
    expect(wallClockAt(at('2025-07-16T07:00:00Z'), 'America/Los_Angeles')).toEqual({
      year: 2025,
      month: 7,
      day: 16,
      hour: 0,
      minute: 0,
      second: 0,
    });
  });

  it('zonedTimeToEpoch inverts wallClockAt', () => {
    const local = { year: 2025, month: 1, day: 2, hour: 3, minute: 4 };
    expect(zonedTimeToEpoch(local, 'Asia/Shanghai')).toBe(at('2025-01-01T19:04:00Z'));
  });
});

describe('nextReset properties', () => {
  const zones = [
    'UTC',
    'America/Los_Angeles',
    'Asia/Shanghai',
    'Europe/Berlin',
    'Australia/Sydney',
  ];
  const times = ['00:00', '12:34', '23:59'];

  it('daily: after now, within 25 hours, and the zone clock reads the reset time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z') }),
        fc.constantFrom(...zones),
        fc.constantFrom(...times),
        (now, zone, time) => {
          const reset = nextReset(now, time, zone, 'daily');
          expect(reset).toBeGreaterThan(now);
          expect(reset - now).toBeLessThanOrEqual(25 * HOUR);
          const wall = wallClockAt(reset, zone);
          const hh = String(wall.hour).padStart(2, '0');
          const mm = String(wall.minute).padStart(2, '0');
          expect(`${hh}:${mm}`).toBe(time);
        },
      ),
    );
  });

  it('monthly: after now, within 32 days, on the 1st', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z') }),
        fc.constantFrom(...zones),
        (now, zone) => {
          const reset = nextReset(now, '00:00', zone, 'monthly');
          expect(reset).toBeGreaterThan(now);
          expect(reset - now).toBeLessThanOrEqual(32 * 24 * HOUR);
          expect(wallClockAt(reset, zone).day).toBe(1);
        },
      ),
    );
  });
});
