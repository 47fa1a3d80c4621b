import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfigValue } from '../../../app/config/parse.ts';
import type { Route } from '../../../app/config/schema.ts';
import { globMatches, resolveModelName } from '../../../app/routing/modelName.ts';

function route(name: string, aliases?: string[]): Route {
  const r: Route = {
    name,
    targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }],
    onLimit: { mode: 'spill' },
    privacy: 'standard',
  };
  return aliases === undefined ? r : { ...r, aliases };
}

const ROUTES = [
  route('big', ['claude-opus-*', 'gpt-5*']),
  route('small', ['claude-*-haiku-*', 'claude-haiku-*']),
  route('coder', ['claude-*']),
  route('claude-sonnet-4-5'),
];
const isProvider = (id: string) => id === 'groq' || id === 'openrouter';
const resolve = (name: string, defaultRoute?: string) =>
  resolveModelName(name, { routes: ROUTES, defaultRoute, isProvider });

function landsOn(name: string, defaultRoute?: string): string {
  const match = resolve(name, defaultRoute);
  if (match.kind === 'route') return `${match.via}:${match.route.name}`;
  if (match.kind === 'direct') return `direct:${match.provider}/${match.model}`;
  return 'unknown';
}

describe('resolveModelName', () => {
  it('takes a route name, then provider/model, then aliases, then the default route', () => {
    expect(landsOn('claude-sonnet-4-5')).toBe('name:claude-sonnet-4-5');
    expect(landsOn('groq/llama-3.1-8b-instant')).toBe('direct:groq/llama-3.1-8b-instant');
    expect(landsOn('openrouter/meta-llama/llama-3.3-70b:free')).toBe(
      'direct:openrouter/meta-llama/llama-3.3-70b:free',
    );
    expect(landsOn('claude-opus-4-8')).toBe('alias:big');
    expect(landsOn('claude-3-5-haiku-20241022')).toBe('alias:small');
    expect(landsOn('claude-haiku-4-5-20251001')).toBe('alias:small');
    expect(landsOn('claude-sonnet-4-5-20250929')).toBe('alias:coder');
    expect(landsOn('gpt-5.1-codex')).toBe('alias:big');
    expect(landsOn('mistral-large', 'small')).toBe('default:small');
    expect(landsOn('mistral-large')).toBe('unknown');
  });

  it('matches aliases case-insensitively and names the pattern that matched', () => {
    expect(resolve('CLAUDE-OPUS-4-1')).toMatchObject({
      kind: 'route',
      via: 'alias',
      alias: 'claude-opus-*',
      route: { name: 'big' },
    });
    // Route names stay exact: a client that sends "BIG" is not asking for "big".
    expect(landsOn('BIG', 'small')).toBe('default:small');
  });

  it('lets the first matching route in config order win', () => {
    // "claude-opus-*" on big and "claude-*" on coder both match; big comes first.
    expect(landsOn('claude-opus-4-8')).toBe('alias:big');
    const reversed = [ROUTES[2] as Route, ROUTES[0] as Route];
    expect(resolveModelName('claude-opus-4-8', { routes: reversed, isProvider })).toMatchObject({
      route: { name: 'coder' },
    });
  });

  it('strips the [1m] context suffix before matching, and says so', () => {
    const match = resolve('claude-sonnet-4-5[1m]');
    expect(match).toMatchObject({
      kind: 'route',
      via: 'name',
      route: { name: 'claude-sonnet-4-5' },
    });
    expect(match.note).toMatch(/"claude-sonnet-4-5\[1m\]" was matched as "claude-sonnet-4-5"/);
    expect(landsOn('claude-opus-4-8[1M]')).toBe('alias:big');
    expect(landsOn('groq/llama-3.1-8b-instant[1m]')).toBe('direct:groq/llama-3.1-8b-instant');
    expect(resolve('claude-opus-4-8').note).toBeUndefined();
  });

  it('keeps a slash name with an unknown provider for aliases, then answers it as provider/model', () => {
    expect(landsOn('anthropic/claude-opus-4')).toBe('direct:anthropic/claude-opus-4');
    expect(landsOn('anthropic/claude-opus-4', 'small')).toBe('default:small');
    const withSlashAlias = [route('via-or', ['anthropic/*'])];
    expect(
      resolveModelName('anthropic/claude-opus-4', { routes: withSlashAlias, isProvider }),
    ).toMatchObject({ via: 'alias', route: { name: 'via-or' } });
  });

  it('ignores a default route that names no route', () => {
    expect(landsOn('mistral-large', 'gone')).toBe('unknown');
  });
});

describe('globMatches', () => {
  it.each([
    ['claude-opus-*', 'claude-opus-4-8', true],
    ['claude-opus-*', 'claude-opus-', true],
    ['claude-opus-*', 'claude-opus', false],
    ['claude-*-haiku-*', 'claude-3-5-haiku-20241022', true],
    ['claude-*-haiku-*', 'claude-haiku-4-5', false],
    ['gpt-5*', 'gpt-5', true],
    ['gpt-5*', 'gpt-4o', false],
    ['gpt-?o', 'gpt-4o', true],
    ['gpt-?o', 'gpt-40o', false],
    ['*', '', true],
    ['a*b*c', 'aXbYbZc', true],
    ['a*b*c', 'aXbYbZ', false],
    ['meta-llama/*', 'meta-llama/llama-3', true],
    ['claude-[1m]', 'claude-1', false],
    ['claude-[1m]', 'claude-[1M]', true],
    ['a.c', 'abc', false],
  ])('%s against %s is %s', (pattern, name, expected) => {
    expect(globMatches(pattern, name)).toBe(expected);
  });

  it('agrees with an anchored RegExp built from the same pattern', () => {
    const toRegExp = (p: string) =>
      new RegExp(
        `^${[...p].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}-]/g, '\\$&'))).join('')}$`,
        'is',
      );
    const alphabet = fc.constantFrom('a', 'b', 'A', '-', '*', '?', '.');
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'B', '-', '.'), maxLength: 10 }),
        (pattern, name) => globMatches(pattern, name) === toRegExp(pattern).test(name),
      ),
    );
  });
});

describe('aliases and defaultRoute in the config', () => {
  const base = (routes: unknown[], settings: object = {}) =>
    parseConfigValue({ version: 1, settings, routes });
  const errors = (result: ReturnType<typeof parseConfigValue>) => (result.ok ? [] : result.errors);

  it('accepts aliases and a default route that names a route', () => {
    const result = base([{ ...route('big', ['claude-opus-*']) }, { ...route('small') }], {
      defaultRoute: 'small',
    });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config.routes[0]?.aliases).toEqual(['claude-opus-*']);
      expect(result.config.settings.defaultRoute).toBe('small');
    }
  });

  it('names the field of an alias written twice, on one route or two', () => {
    expect(errors(base([route('big', ['claude-*', 'Claude-*'])]))).toEqual([
      'routes[0].aliases[1]: alias "Claude-*" is listed twice on route "big": remove one',
    ]);
    expect(errors(base([route('big', ['gpt-5*']), route('small', ['GPT-5*'])]))).toEqual([
      'routes[1].aliases[0]: alias "GPT-5*" is already on route "big", which comes first and always wins: keep it on one route',
    ]);
  });

  it('names the field of an alias that is a route name', () => {
    expect(errors(base([route('big', ['small']), route('small')]))).toEqual([
      'routes[0].aliases[0]: alias "small" is the name of route "small", which always wins: remove the alias',
    ]);
  });

  it('refuses an empty alias or one with spaces', () => {
    expect(errors(base([route('big', ['', 'claude opus'])]))).toEqual([
      'routes[0].aliases[0]: an alias is a model name or a pattern such as "claude-opus-*", without spaces',
      'routes[0].aliases[1]: an alias is a model name or a pattern such as "claude-opus-*", without spaces',
    ]);
  });

  it('names settings.defaultRoute when it names no route', () => {
    expect(errors(base([route('big')], { defaultRoute: 'gone' }))).toEqual([
      'settings.defaultRoute: no route named "gone": name one of "big", or remove defaultRoute',
    ]);
  });
});
