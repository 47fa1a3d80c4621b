// Counts and durations are scanned by hand rather than by regular expressions (they are read
// from every response): each must read any text exactly as the expressions did.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCount, parseDuration, plausible } from '../../../app/ratelimit/headerValues.ts';

const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
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

function firstValue(raw: string): string {
  const comma = raw.indexOf(',');
  return (comma === -1 ? raw : raw.slice(0, comma)).trim();
}

/** parseCount as written with an expression. */
function countByExpression(raw: string): number | undefined {
  const value = firstValue(raw);
  if (!DECIMAL.test(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** parseDuration as written with expressions. */
function durationByExpression(raw: string): number | undefined {
  const value = firstValue(raw);
  if (value === '') return undefined;
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

/** Text made of what durations and counts are made of, and a few things they are not. */
const headerText = fc
  .array(
    fc.constantFrom(
      ...'0123456789.'.split(''),
      '1',
      '59',
      '0.5',
      'ns',
      'us',
      '\u00b5s',
      '\u03bcs',
      'ms',
      's',
      'm',
      'h',
      ',',
      ' ',
      'x',
      '-',
      'e',
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

describe('hand-scanned header values', () => {
  it('parseCount reads any text as the expression did', () => {
    fc.assert(
      fc.property(headerText, (raw) => {
        expect(parseCount(raw)).toBe(countByExpression(raw));
      }),
      { numRuns: 20_000 },
    );
  });

  it('parseDuration reads any text as the expressions did', () => {
    fc.assert(
      fc.property(headerText, (raw) => {
        expect(parseDuration(raw)).toBe(durationByExpression(raw));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads any plain decimal as Number() does, long or short', () => {
    const decimal = fc
      .tuple(fc.stringMatching(/^\d{0,25}$/), fc.option(fc.stringMatching(/^\d{0,25}$/)))
      .map(([whole, fraction]) => (fraction === null ? whole : `${whole}.${fraction}`))
      .filter((text) => /\d/.test(text));
    fc.assert(
      fc.property(decimal, (text) => {
        expect(parseCount(text)).toBe(Number(text));
        expect(parseDuration(`${text}s`)).toBe(durationByExpression(`${text}s`));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each(['2m59.56s', '7.66s', '1h2m3.5s', '6m0s', '500\u00b5s', '12ms', '5.s', '.5m', '1m1ms'])(
    'reads %s as before',
    (raw) => {
      expect(parseDuration(raw)).toBe(durationByExpression(raw));
    },
  );
});
