import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from '../../../main/server/body.ts';

/** The nesting of a parsed value, the slow and obvious way. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object')
    return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe('nestsDeeperThan', () => {
  it('agrees with the depth of the value counted the slow way', () => {
    const tricky = fc.constantFrom('[', ']', '{', '}', '"', '\\', '\\"', 'a');
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: tricky }),
        fc.integer(),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.string({ unit: tricky, maxLength: 3 }), tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, fc.nat({ max: 8 }), (v, max) => {
        expect(nestsDeeperThan(JSON.parse(JSON.stringify(v)), max)).toBe(depthOf(v) > max);
      }),
      { numRuns: 1000 },
    );
  });

  it('bounds 100,000 parsed levels without recursing past the bound', () => {
    const value: unknown = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(nestsDeeperThan(value, 256)).toBe(true);
    expect(nestsDeeperThan(JSON.parse(`${'['.repeat(256)}${']'.repeat(256)}`), 256)).toBe(false);
  });
});
