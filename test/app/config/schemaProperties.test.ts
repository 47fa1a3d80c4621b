import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfigText, parseConfigValue } from '../../../app/config/parse.ts';

/** A config that passes, to mutate one place at a time. */
const VALID = {
  version: 1,
  settings: { logBodies: false, retentionDays: 30 },
  providers: { groq: { baseUrl: 'http://127.0.0.1:8080/v1', headers: { 'x-a': 'b' } } },
  keys: [
    { id: 'k1', provider: 'groq', label: 'main', secret: { env: 'GROQ_API_KEY' }, tier: 'free' },
  ],
  routes: [
    {
      name: 'fast',
      targets: [{ provider: 'groq', model: 'llama', key: 'k1' }],
      onLimit: { mode: 'wait', maxWaitMs: 1000 },
      latencyBudgetMs: 500,
    },
  ],
};

const TOP_LEVEL = ['$schema', 'version', 'settings', 'providers', 'keys', 'routes'];

type Json = unknown;

/** Every path into VALID, so a mutation can land anywhere, leaves and branches alike. */
function pathsOf(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}
const PATHS = pathsOf(VALID).filter((p) => p.length > 0);

function setAt(root: Json, path: Array<string | number>, value: Json | typeof DELETE): Json {
  const copy = structuredClone(root) as Record<string | number, Json>;
  let node = copy;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    // An earlier edit replaced this branch: the edit has nowhere to land.
    if (next === null || typeof next !== 'object') return copy;
    node = next as Record<string | number, Json>;
  }
  const last = path.at(-1)!;
  if (value === DELETE) delete node[last];
  else node[last] = value;
  return copy;
}
const DELETE = Symbol('delete');

const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<Json>('', -1, 0, 1e308, 'x'.repeat(5000), [], {}, { __proto__: 1 }),
  fc.constant(DELETE),
);
const mutated = fc
  .array(fc.tuple(fc.constantFrom(...PATHS), oddValue), { minLength: 1, maxLength: 3 })
  .map((edits) => edits.reduce<Json>((config, [path, value]) => setAt(config, path, value), VALID));

describe('config schema on any input', () => {
  it('never throws, and every error names the field it is about', () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.oneof(mutated, fc.jsonValue({ maxDepth: 3 })), (input) => {
        const result = parseConfigValue(input);
        if (result.ok) return;
        refused++;
        expect(result.errors.length).toBeGreaterThan(0);
        const isObject = input !== null && typeof input === 'object' && !Array.isArray(input);
        for (const error of result.errors) {
          if (!isObject) {
            expect(error).toMatch(/must be a JSON object/);
            continue;
          }
          const field = /^(\(top level\)|[^:]+?)(?:[.[]|: )/.exec(error)?.[1];
          expect(field === '(top level)' || TOP_LEVEL.includes(field ?? ''), error).toBe(true);
          expect(error.split(': ').slice(1).join(': ').trim().length, error).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
    // Not vacuous: most mutations break the config.
    expect(refused).toBeGreaterThan(1000);
  });

  it('never throws on any text, and names the file for text that is not JSON', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const result = parseConfigText(text);
        if (!result.ok && result.errors[0]?.startsWith('(file)'))
          expect(result.errors[0]).toMatch(/not valid JSON/);
      }),
      { numRuns: 1000 },
    );
  });
});
