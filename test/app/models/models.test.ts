import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCatalog, type Catalog } from '../../../app/catalog/schema.ts';
import type { Route } from '../../../app/config/schema.ts';
import { answerSignal } from '../../../app/models/answerSignal.ts';
import { runsOutAt, type RemainingSample } from '../../../app/models/forecast.ts';
import { paletteFacts, paletteModels } from '../../../app/models/palette.ts';
import {
  modelFamily,
  replaceModel,
  watchRoutes,
  type ModelListing,
} from '../../../app/models/watch.ts';

function catalog(): Catalog {
  const result = loadCatalog(
    JSON.parse(readFileSync(new URL('../../../resources/providers.json', import.meta.url), 'utf8')),
  );
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.catalog;
}

const route: Route = {
  name: 'coding',
  targets: [
    { provider: 'groq', model: 'qwen-2.5-32b' },
    { provider: 'cerebras', model: 'llama3.1-8b' },
  ],
  onLimit: { mode: 'spill' },
  privacy: 'standard',
};

describe('answerSignal', () => {
  it('flags a Deprecation or Sunset header as deprecated, with the sunset date', () => {
    const s = answerSignal(
      200,
      { deprecation: '@1767225600', sunset: 'Thu, 01 Jan 2027 00:00:00 GMT' },
      null,
    );
    expect(s?.state).toBe('deprecated');
    expect(s?.sunsetAt).toBe(Date.UTC(2027, 0, 1));
    expect(s?.reason).toContain('Deprecation header');
  });
  it('flags "model not found" and "decommissioned" answers as missing', () => {
    expect(
      answerSignal(404, {}, 'Model not found at Groq (HTTP 404); trying the next target.')?.state,
    ).toBe('missing');
    expect(
      answerSignal(
        400,
        {},
        'The model `mixtral-8x7b-32768` has been decommissioned and is no longer supported.',
      )?.state,
    ).toBe('missing');
    expect(answerSignal(400, {}, '{"error":{"code":"model_decommissioned"}}')?.state).toBe(
      'missing',
    );
  });
  it('says nothing of an ordinary answer or an unrelated 400', () => {
    expect(answerSignal(200, { 'content-type': 'application/json' }, null)).toBeNull();
    expect(answerSignal(400, {}, 'max_tokens must be positive')).toBeNull();
    expect(answerSignal(429, {}, 'rate limited')).toBeNull();
  });
});

describe('runsOutAt', () => {
  const t0 = Date.UTC(2026, 11, 4, 12, 0);
  const minute = 60_000;
  it('projects the pace of the last 15 minutes forward: 10 a minute from 300 left is 30 minutes', () => {
    // 1000 a day; 10 requests a minute for 20 minutes; only the last 15 count.
    const samples: RemainingSample[] = Array.from({ length: 21 }, (_, i) => ({
      at: t0 + i * minute,
      remaining: 500 - i * 10,
    }));
    const now = t0 + 20 * minute;
    expect(runsOutAt(samples, t0 + 12 * 60 * minute, now)).toBe(now + 30 * minute);
  });
  it('is absent when the window resets first, or nothing is being spent', () => {
    const now = t0 + 10 * minute;
    const samples = [
      { at: t0, remaining: 500 },
      { at: now, remaining: 490 },
    ];
    expect(runsOutAt(samples, now + 60 * minute, now)).toBeUndefined();
    expect(
      runsOutAt(
        [
          { at: t0, remaining: 5 },
          { at: now, remaining: 5 },
        ],
        undefined,
        now,
      ),
    ).toBeUndefined();
  });
  it('measures only since the last refill', () => {
    const now = t0 + 10 * minute;
    const samples = [
      { at: t0, remaining: 10 },
      { at: t0 + 5 * minute, remaining: 100 },
      { at: now, remaining: 50 },
    ];
    // 50 in 5 minutes: 10 a minute, 50 left: 5 minutes.
    expect(runsOutAt(samples, now + 60 * minute, now)).toBe(now + 5 * minute);
  });
});

describe('watchRoutes', () => {
  const listing = (provider: string, ids: string[], at: number, lastSeen = at): ModelListing => ({
    provider,
    listedAt: at,
    models: ids.map((id, i) => ({ id, firstSeen: 1000 + i, lastSeen })),
  });
  it('flags a target whose provider stopped listing its model and suggests the newest of its family', () => {
    const listings = new Map([
      [
        'groq',
        {
          ...listing('groq', ['qwen-qwq-32b', 'qwen-3-32b', 'llama-3.1-8b-instant'], 5000),
          models: [
            { id: 'qwen-2.5-32b', firstSeen: 100, lastSeen: 4000 },
            { id: 'qwen-qwq-32b', firstSeen: 1000, lastSeen: 5000 },
            { id: 'qwen-3-32b', firstSeen: 3000, lastSeen: 5000 },
          ],
        },
      ],
      ['cerebras', listing('cerebras', ['llama3.1-8b'], 5000)],
    ]);
    const [groq, cerebras] = watchRoutes([route], listings, [], catalog());
    expect(groq).toEqual({
      route: 'coding',
      provider: 'groq',
      model: 'qwen-2.5-32b',
      state: 'missing',
      since: 4000,
      reason: 'groq stopped listing qwen-2.5-32b',
      suggestion: 'qwen-3-32b',
    });
    expect(cerebras?.state).toBe('ok');
  });
  it('takes an answer flag where the list says nothing, and flags nothing without a list', () => {
    const entries = watchRoutes(
      [route],
      new Map(),
      [
        {
          provider: 'cerebras',
          model: 'llama3.1-8b',
          state: 'deprecated',
          since: 7,
          reason: 'Sunset',
        },
      ],
      catalog(),
    );
    expect(entries.map((e) => e.state)).toEqual(['ok', 'deprecated']);
    expect(entries[1]?.since).toBe(7);
  });
  it('names families and replaces a model in a route', () => {
    expect(modelFamily('meta-llama/llama-3.3-70b-instruct:free')).toBe('llama');
    expect(modelFamily('gemini-2.0-flash')).toBe('gemini');
    expect(replaceModel(route, 'groq', 'qwen-2.5-32b', 'qwen-3-32b').targets[0]?.model).toBe(
      'qwen-3-32b',
    );
  });
});

describe('paletteModels', () => {
  it('lists the catalog’s chat models with their facts, marks listed ones, then models only discovery found', () => {
    const groq = catalog().providers.find((p) => p.id === 'groq');
    if (!groq) throw new Error('no groq');
    const first = groq.models.find((m) => m.kind === 'chat');
    if (!first) throw new Error('no groq chat model');
    const seen = (model: string) => ({
      provider: 'groq',
      keyId: 'g',
      model,
      firstSeen: 1,
      lastSeen: 2,
    });
    const models = paletteModels(groq, [
      seen(first.id),
      seen('zz-new-model'),
      { ...seen('x'), provider: 'openai' },
    ]);
    expect(models[0]).toMatchObject({ id: first.id, free: first.free, discovered: true });
    expect(models.at(-1)).toEqual({ id: 'zz-new-model', discovered: true });
    expect(models.some((m) => m.id === 'x')).toBe(false);
    expect(
      paletteFacts({
        id: 'm',
        free: true,
        contextWindow: 131072,
        maxOutputTokens: 8192,
        discovered: false,
      }),
    ).toBe('free · 131k ctx · 8k out');
    expect(paletteFacts({ id: 'm', discovered: true })).toBe('');
  });
});
