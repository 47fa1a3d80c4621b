import { describe, expect, it } from 'vitest';
import type { Route } from '../../../app/config/schema.ts';
import {
  freshRouteName,
  hasProblems,
  validateRoutes,
} from '../../../renderer/src/lib/routeValidation.ts';
import { KEYS } from '../fixtures.ts';

const FAST: Route = {
  name: 'fast',
  targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }],
  onLimit: { mode: 'spill' },
  privacy: 'standard',
};

describe('validateRoutes', () => {
  it('finds nothing wrong with a good route', () => {
    const [problems] = validateRoutes([FAST], KEYS);
    expect(problems).toEqual({ target: {}, alias: {}, other: [] });
    expect(hasProblems(problems!)).toBe(false);
  });

  it('puts each problem beside its field, in the engine schema’s own words', () => {
    const [problems] = validateRoutes(
      [
        {
          ...FAST,
          name: 'my route',
          targets: [],
          onLimit: { mode: 'wait', maxWaitMs: 500_000 },
          latencyBudgetMs: 10,
          paidBudgetUsdPerDay: -1,
        },
      ],
      KEYS,
    );
    expect(problems?.name).toBe(
      'route name must not contain "/" or spaces: clients send it as the model',
    );
    expect(problems?.targets).toBe('a route needs at least one target');
    expect(problems?.onLimit).toBe('maxWaitMs is at most 120000 (two minutes)');
    expect(problems?.latencyBudgetMs).toMatch(/50/);
    expect(problems?.paidBudgetUsdPerDay).toMatch(/0/);
  });

  it('catches what only the whole config knows: duplicate names and keys that are gone', () => {
    const problems = validateRoutes(
      [FAST, { ...FAST, targets: [{ provider: 'groq', model: 'x', key: 'deleted-key' }] }],
      KEYS,
    );
    expect(problems[0]?.name).toBe(
      'another route is also called "fast"; clients pick a route by its name',
    );
    expect(problems[1]?.target[0]).toBe(
      'no key "deleted-key" any more: pick another key or the provider\'s pool',
    );
  });

  it('names new routes so they do not clash', () => {
    expect(freshRouteName([])).toBe('fast');
    expect(freshRouteName([FAST])).toBe('route-2');
    expect(freshRouteName([FAST, { ...FAST, name: 'route-2' }])).toBe('route-3');
  });
});
