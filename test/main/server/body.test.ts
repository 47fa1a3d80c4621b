import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BodyDeadlines, nestsDeeperThan } from '../../../main/server/body.ts';

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

describe('BodyDeadlines', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ends a body that is late within a quarter of the bound, and never one dropped in time', () => {
    vi.useFakeTimers();
    let now = 1_000;
    const deadlines = new BodyDeadlines(400, () => now);
    const ended: string[] = [];
    const slow = { deadline: deadlines.deadline(), expire: () => ended.push('slow') };
    const quick = { deadline: deadlines.deadline(), expire: () => ended.push('quick') };
    deadlines.add(slow);
    deadlines.add(quick);
    now += 100;
    vi.advanceTimersByTime(100);
    deadlines.drop(quick);
    now += 299;
    vi.advanceTimersByTime(299);
    expect(ended).toEqual([]);
    now += 101;
    vi.advanceTimersByTime(101);
    expect(ended).toEqual(['slow']);
  });

  it('keeps no timer once no body is pending, and arms one again for the next', () => {
    vi.useFakeTimers();
    let now = 0;
    const deadlines = new BodyDeadlines(400, () => now);
    const body = { deadline: deadlines.deadline(), expire: () => undefined };
    deadlines.add(body);
    deadlines.drop(body);
    now += 100;
    vi.advanceTimersByTime(100);
    expect(vi.getTimerCount()).toBe(0);
    let ended = false;
    deadlines.add({ deadline: deadlines.deadline(), expire: () => (ended = true) });
    expect(vi.getTimerCount()).toBe(1);
    now += 500;
    vi.advanceTimersByTime(500);
    expect(ended).toBe(true);
  });
});
