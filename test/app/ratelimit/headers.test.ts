import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HEADER_DIALECTS,
  headerLookupFromRecord,
  parseRateLimitHeaders,
  parseRetryAfterMs,
  type HeaderDialect,
  type HeaderLookup,
  type RateLimitObservation,
} from '../../../app/ratelimit/headers.ts';
import {
  parseCount,
  parseDuration,
  parseEpoch,
  parseHttpDate,
  parseRfc3339,
} from '../../../app/ratelimit/headerValues.ts';

const NOW = Date.parse('2025-08-21T12:41:00Z');
const lookup = (record: Record<string, string>): HeaderLookup => headerLookupFromRecord(record);

describe('parseDuration (Go durations as OpenAI and Groq send them)', () => {
  it.each([
    ['1s', 1000],
    ['6m0s', 360_000],
    ['12ms', 12],
    ['1h2m3.5s', 3_723_500],
    ['0s', 0],
    ['2m59.56s', 179_560],
    ['7.66s', 7660],
    ['500us', 0.5],
    ['500\u00b5s', 0.5],
    ['500\u03bcs', 0.5],
    ['1.5', 1500],
    ['33011.38', 33_011_380],
  ])('%s is %d ms', (raw, ms) => {
    expect(parseDuration(raw)).toBeCloseTo(ms, 6);
  });

  it.each(['', 'abc', '1x', '-1s', '1s2', 's', '1e3s', 'NaN', 'Infinity', '1 s', '99999999h'])(
    'rejects %j',
    (raw) => {
      expect(parseDuration(raw)).toBeUndefined();
    },
  );
});

describe('scalar parsers', () => {
  it('parseCount takes non-negative decimals only', () => {
    expect(parseCount('14400')).toBe(14400);
    expect(parseCount(' 60 ')).toBe(60);
    expect(parseCount('60, 60')).toBe(60);
    expect(parseCount('-1')).toBeUndefined();
    expect(parseCount('0x10')).toBeUndefined();
    expect(parseCount('')).toBeUndefined();
    expect(parseCount('1e5')).toBeUndefined();
    expect(parseCount(undefined)).toBeUndefined();
  });

  it('parseRfc3339 reads Z, fractions and offsets, and rejects impossible dates', () => {
    expect(parseRfc3339('2025-08-21T12:40:59Z')).toBe(Date.parse('2025-08-21T12:40:59Z'));
    expect(parseRfc3339('2025-08-21T12:40:59.250Z')).toBe(Date.parse('2025-08-21T12:40:59.250Z'));
    expect(parseRfc3339('2025-08-21T14:40:59+02:00')).toBe(Date.parse('2025-08-21T12:40:59Z'));
    expect(parseRfc3339('2025-02-30T00:00:00Z')).toBeUndefined();
    expect(parseRfc3339('2025-08-21')).toBeUndefined();
    expect(parseRfc3339('1')).toBeUndefined();
  });

  it('parseHttpDate reads IMF-fixdate only', () => {
    expect(parseHttpDate('Wed, 21 Oct 2015 07:28:00 GMT')).toBe(Date.parse('2015-10-21T07:28:00Z'));
    expect(parseHttpDate('1')).toBeUndefined();
    expect(parseHttpDate('Wed, 32 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(parseHttpDate('2015-10-21T07:28:00Z')).toBeUndefined();
  });

  it('parseEpoch tells seconds from milliseconds', () => {
    expect(parseEpoch('1755820800000')).toBe(1_755_820_800_000);
    expect(parseEpoch('1755820800')).toBe(1_755_820_800_000);
    expect(parseEpoch('soon')).toBeUndefined();
  });
});

describe('retry-after, read the Stainless way', () => {
  it('retry-after-ms wins over retry-after', () => {
    const h = lookup({ 'retry-after-ms': '1500.5', 'retry-after': '2' });
    expect(parseRetryAfterMs(h, NOW)).toBe(1500.5);
  });

  it('retry-after as seconds, float allowed', () => {
    expect(parseRetryAfterMs(lookup({ 'retry-after': '2.5' }), NOW)).toBe(2500);
    expect(parseRetryAfterMs(lookup({ 'retry-after': '0' }), NOW)).toBe(0);
  });

  it('retry-after as an HTTP-date relative to now; a past date means now', () => {
    const now = Date.parse('2015-10-21T07:27:30Z');
    expect(parseRetryAfterMs(lookup({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }), now)).toBe(
      30_000,
    );
    const later = Date.parse('2015-10-21T08:00:00Z');
    expect(
      parseRetryAfterMs(lookup({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }), later),
    ).toBe(0);
  });

  it('a garbage retry-after-ms falls back to retry-after; garbage alone is ignored', () => {
    expect(parseRetryAfterMs(lookup({ 'retry-after-ms': 'soon', 'retry-after': '3' }), NOW)).toBe(
      3000,
    );
    expect(parseRetryAfterMs(lookup({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
    expect(parseRetryAfterMs(lookup({ 'retry-after': '-5' }), NOW)).toBeUndefined();
  });

  it('is read for every dialect', () => {
    for (const dialect of HEADER_DIALECTS) {
      const observation = parseRateLimitHeaders(dialect, lookup({ 'retry-after': '7' }), NOW);
      expect(observation.retryAfterMs).toBe(7000);
    }
  });
});

describe('parseRateLimitHeaders by dialect', () => {
  it.each<{
    title: string;
    dialect: HeaderDialect;
    headers: Record<string, string>;
    windows: RateLimitObservation['windows'];
  }>([
    {
      title: 'openai: requests per minute and tokens per minute, duration resets',
      dialect: 'openai',
      headers: {
        'x-ratelimit-limit-requests': '60',
        'x-ratelimit-limit-tokens': '150000',
        'x-ratelimit-remaining-requests': '59',
        'x-ratelimit-remaining-tokens': '149984',
        'x-ratelimit-reset-requests': '1s',
        'x-ratelimit-reset-tokens': '6m0s',
      },
      windows: [
        { window: 'rpm', limit: 60, remaining: 59, resetAt: NOW + 1000 },
        { window: 'tpm', limit: 150000, remaining: 149984, resetAt: NOW + 360_000 },
      ],
    },
    {
      title: 'openai: the *_usage_based token headers fill in when the plain ones are missing',
      dialect: 'openai',
      headers: {
        'x-ratelimit-limit-requests': '5000',
        'x-ratelimit-remaining-requests': '4999',
        'x-ratelimit-reset-requests': '12ms',
        'x-ratelimit-limit-tokens_usage_based': '160000',
        'x-ratelimit-remaining-tokens_usage_based': '158866',
        'x-ratelimit-reset-tokens_usage_based': '425ms',
      },
      windows: [
        { window: 'rpm', limit: 5000, remaining: 4999, resetAt: NOW + 12 },
        { window: 'tpm', limit: 160000, remaining: 158866, resetAt: NOW + 425 },
      ],
    },
    {
      title: 'groq: the same names, but the requests window is per day',
      dialect: 'groq',
      headers: {
        'x-ratelimit-limit-requests': '14400',
        'x-ratelimit-limit-tokens': '18000',
        'x-ratelimit-remaining-requests': '14370',
        'x-ratelimit-remaining-tokens': '17997',
        'x-ratelimit-reset-requests': '2m59.56s',
        'x-ratelimit-reset-tokens': '7.66s',
      },
      windows: [
        { window: 'rpd', limit: 14400, remaining: 14370, resetAt: NOW + 179_560 },
        { window: 'tpm', limit: 18000, remaining: 17997, resetAt: NOW + 7660 },
      ],
    },
    {
      title: 'together: requests and tokens per second',
      dialect: 'together',
      headers: {
        'x-ratelimit-limit': '10',
        'x-ratelimit-remaining': '9',
        'x-ratelimit-reset': '1',
        'x-tokenlimit-limit': '3333',
        'x-tokenlimit-remaining': '3000',
        'x-ratelimit-limit-dynamic': '12',
      },
      windows: [
        { window: 'rps', limit: 10, remaining: 9, resetAt: NOW + 1000 },
        { window: 'tps', limit: 3333, remaining: 3000 },
      ],
    },
    {
      title: 'mistral: current per-minute request and token headers',
      dialect: 'mistral',
      headers: {
        'x-ratelimit-limit-req-minute': '60',
        'x-ratelimit-remaining-req-minute': '59',
        'x-ratelimit-limit-tokens-minute': '500000',
        'x-ratelimit-remaining-tokens-minute': '499000',
        'x-ratelimit-tokens-query-cost': '1000',
      },
      windows: [
        { window: 'rpm', limit: 60, remaining: 59 },
        { window: 'tpm', limit: 500000, remaining: 499000 },
      ],
    },
    {
      title: 'mistral: the older ratelimitbysize family, per minute and per month',
      dialect: 'mistral',
      headers: {
        'ratelimitbysize-limit': '500000',
        'ratelimitbysize-remaining': '499000',
        'ratelimitbysize-reset': '34',
        'ratelimitbysize-query-cost': '1000',
        'x-ratelimitbysize-limit-month': '1000000000',
        'x-ratelimitbysize-remaining-month': '999000000',
      },
      windows: [
        { window: 'tpm', limit: 500000, remaining: 499000, resetAt: NOW + 34_000 },
        { window: 'tpmonth', limit: 1_000_000_000, remaining: 999_000_000 },
      ],
    },
    {
      title: 'fireworks: adaptive prompt and generated limits, tokens per second turned per minute',
      dialect: 'fireworks',
      headers: {
        'X-Ratelimit-Limit-Tokens-Prompt': '60000',
        'X-Ratelimit-Limit-Tokens-Generated': '600',
      },
      windows: [
        { window: 'itpm', limit: 3_600_000 },
        { window: 'otpm', limit: 36_000 },
      ],
    },
    {
      title: 'garbage values are dropped field by field, keeping the good ones',
      dialect: 'openai',
      headers: {
        'x-ratelimit-limit-requests': 'lots',
        'x-ratelimit-remaining-requests': '59',
        'x-ratelimit-reset-requests': 'tomorrow',
        'x-ratelimit-limit-tokens': '-4',
        'x-ratelimit-remaining-tokens': 'NaN',
        'x-ratelimit-reset-tokens': '1e400s',
      },
      windows: [{ window: 'rpm', remaining: 59 }],
    },
  ])('$title', ({ dialect, headers, windows }) => {
    expect(parseRateLimitHeaders(dialect, lookup(headers), NOW)).toEqual({ windows });
  });

  it('anthropic: four windows with RFC 3339 resets (tidyllm fixture)', () => {
    const h = lookup({
      'anthropic-ratelimit-input-tokens-limit': '80000',
      'anthropic-ratelimit-input-tokens-remaining': '80000',
      'anthropic-ratelimit-input-tokens-reset': '2025-08-21T12:40:59Z',
      'anthropic-ratelimit-output-tokens-limit': '16000',
      'anthropic-ratelimit-output-tokens-remaining': '16000',
      'anthropic-ratelimit-output-tokens-reset': '2025-08-21T12:41:00Z',
      'anthropic-ratelimit-requests-limit': '1000',
      'anthropic-ratelimit-requests-remaining': '999',
      'anthropic-ratelimit-requests-reset': '2025-08-21T12:40:59Z',
      'anthropic-ratelimit-tokens-limit': '96000',
      'anthropic-ratelimit-tokens-remaining': '96000',
      'anthropic-ratelimit-tokens-reset': '2025-08-21T12:40:59Z',
    });
    const reset = Date.parse('2025-08-21T12:40:59Z');
    expect(parseRateLimitHeaders('anthropic', h, NOW).windows).toEqual([
      { window: 'rpm', limit: 1000, remaining: 999, resetAt: reset },
      { window: 'tpm', limit: 96000, remaining: 96000, resetAt: reset },
      { window: 'itpm', limit: 80000, remaining: 80000, resetAt: reset },
      { window: 'otpm', limit: 16000, remaining: 16000, resetAt: NOW },
    ]);
  });

  it('cerebras: requests per day and tokens per minute, float-second resets', () => {
    const h = lookup({
      'x-ratelimit-limit-requests-day': '14400',
      'x-ratelimit-remaining-requests-day': '14399',
      'x-ratelimit-reset-requests-day': '33011.38',
      'x-ratelimit-limit-tokens-minute': '60000',
      'x-ratelimit-remaining-tokens-minute': '59000',
      'x-ratelimit-reset-tokens-minute': '11.38',
    });
    const windows = parseRateLimitHeaders('cerebras', h, NOW).windows;
    expect(windows.map((w) => [w.window, w.limit, w.remaining])).toEqual([
      ['rpd', 14400, 14399],
      ['tpm', 60000, 59000],
    ]);
    expect(windows[0]?.resetAt).toBeCloseTo(NOW + 33_011_380, 3);
    expect(windows[1]?.resetAt).toBeCloseTo(NOW + 11_380, 3);
  });

  it('openrouter: a reset at the next UTC midnight is the daily window (epoch ms)', () => {
    const midnight = Date.parse('2025-08-22T00:00:00Z');
    const h = lookup({
      'X-RateLimit-Limit': '50',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': String(midnight),
    });
    expect(parseRateLimitHeaders('openrouter', h, NOW).windows).toEqual([
      { window: 'rpd', limit: 50, remaining: 0, resetAt: midnight },
    ]);
  });

  it('openrouter: a reset within two minutes is the per-minute window; seconds epochs work', () => {
    const soon = NOW + 30_000;
    const h = lookup({
      'x-ratelimit-limit': '20',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(soon / 1000),
    });
    expect(parseRateLimitHeaders('openrouter', h, NOW).windows).toEqual([
      { window: 'rpm', limit: 20, remaining: 0, resetAt: soon },
    ]);
  });

  it('github: x-ratelimit-type names the spent window, retry-after says until when', () => {
    const daily = lookup({ 'x-ratelimit-type': 'UserByModelByDay', 'retry-after': '42567' });
    expect(parseRateLimitHeaders('github', daily, NOW)).toEqual({
      windows: [{ window: 'rpd', remaining: 0, resetAt: NOW + 42_567_000 }],
      retryAfterMs: 42_567_000,
    });
    const minute = lookup({ 'x-ratelimit-type': 'UserByModelByMinute', 'retry-after': '25' });
    expect(parseRateLimitHeaders('github', minute, NOW).windows).toEqual([
      { window: 'rpm', remaining: 0, resetAt: NOW + 25_000 },
    ]);
    const tokens = lookup({ 'x-ratelimit-type': 'UserByModelByMinuteUncachedInputTokens' });
    expect(parseRateLimitHeaders('github', tokens, NOW).windows).toEqual([
      { window: 'itpm', remaining: 0 },
    ]);
    const concurrent = lookup({ 'x-ratelimit-type': 'UserConcurrentRequests' });
    expect(parseRateLimitHeaders('github', concurrent, NOW).windows).toEqual([]);
  });

  it('none: no windows, even when OpenAI-style headers are present', () => {
    const h = lookup({ 'x-ratelimit-limit-requests': '60', 'x-ratelimit-remaining-requests': '1' });
    expect(parseRateLimitHeaders('none', h, NOW)).toEqual({ windows: [] });
  });

  it('absent headers give no windows', () => {
    for (const dialect of HEADER_DIALECTS) {
      expect(parseRateLimitHeaders(dialect, () => undefined, NOW)).toEqual({ windows: [] });
    }
  });

  it('a lookup that throws is treated as a missing header', () => {
    const throwing: HeaderLookup = () => {
      throw new Error('boom');
    };
    expect(parseRateLimitHeaders('anthropic', throwing, NOW)).toEqual({ windows: [] });
  });
});

function assertSane(observation: RateLimitObservation, now: number): void {
  for (const w of observation.windows) {
    for (const value of [w.limit, w.remaining, w.resetAt]) {
      if (value === undefined) continue;
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
    }
    if (w.resetAt !== undefined) {
      expect(Math.abs(w.resetAt - now)).toBeLessThanOrEqual(400 * 86_400_000);
    }
  }
  if (observation.retryAfterMs !== undefined) {
    expect(Number.isFinite(observation.retryAfterMs)).toBe(true);
    expect(observation.retryAfterMs).toBeGreaterThanOrEqual(0);
  }
}

describe('garbage headers (property)', () => {
  const headerValue = fc.oneof(
    fc.string(),
    fc.double().map(String),
    fc.integer().map(String),
    fc.constantFrom(
      'NaN',
      'Infinity',
      '-0',
      '1e999',
      '0x1F',
      '',
      ' ',
      '1h',
      '1.2.3s',
      '9'.repeat(400),
    ),
  );

  it('never throws and never yields NaN, Infinity or negatives', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HEADER_DIALECTS),
        fc.dictionary(fc.string(), headerValue),
        headerValue,
        fc.integer({ min: 0, max: Date.parse('2100-01-01T00:00:00Z') }),
        (dialect, extra, value, now) => {
          // Every name the dialect asks for gets a garbage value unless `extra` names it.
          const h: HeaderLookup = (name) => extra[name] ?? value;
          const observation = parseRateLimitHeaders(dialect, h, now);
          assertSane(observation, now);
        },
      ),
    );
  });
});
