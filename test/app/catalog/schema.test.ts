import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkOverrides,
  clampOutputTokens,
  costUsd,
  findModel,
  findProvider,
  loadCatalog,
  mergeCatalog,
  priceKnown,
  type Catalog,
} from '../../../app/catalog/schema.ts';
import { ConfigSchema } from '../../../app/config/schema.ts';

const CATALOG_URL = new URL('../../../resources/providers.json', import.meta.url);

function shipped(): unknown {
  return JSON.parse(readFileSync(CATALOG_URL, 'utf8'));
}

function shippedCatalog(): Catalog {
  const result = loadCatalog(shipped());
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.catalog;
}

describe('the shipped providers.json', () => {
  it('validates against the schema', () => {
    const result = loadCatalog(shipped());
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('lists at least 15 providers, local servers and a custom template among them', () => {
    const catalog = shippedCatalog();
    expect(catalog.providers.length).toBeGreaterThanOrEqual(15);
    const ids = catalog.providers.map((p) => p.id);
    for (const id of ['openai', 'anthropic', 'gemini', 'groq', 'cloudflare', 'ollama', 'vllm']) {
      expect(ids).toContain(id);
    }
    expect(catalog.providers.filter((p) => p.local).length).toBeGreaterThanOrEqual(4);
    expect(findProvider(catalog, 'custom')?.template).toBe(true);
  });

  it('gives every real provider dated sources', () => {
    for (const provider of shippedCatalog().providers) {
      if (provider.template) continue;
      expect(provider.sources.length, provider.id).toBeGreaterThan(0);
      for (const source of provider.sources) {
        expect(source.checked, `${provider.id} ${source.field}`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(source.url.startsWith('https://'), source.url).toBe(true);
      }
    }
  });

  it('has unique provider ids and unique model ids within each provider', () => {
    const catalog = shippedCatalog();
    const ids = catalog.providers.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const provider of catalog.providers) {
      const models = provider.models.map((m) => m.id);
      expect(new Set(models).size, provider.id).toBe(models.length);
    }
  });

  it('carries the Groq free-plan figures for llama-3.1-8b-instant', () => {
    const model = findModel(shippedCatalog(), 'groq', 'llama-3.1-8b-instant');
    expect(model?.limits).toEqual({ rpm: 30, rpd: 14400, tpm: 6000, tpd: 500000 });
    expect(model?.free).toBe(true);
  });

  it('marks the Cloudflare account id as a placeholder the user must fill in', () => {
    const cloudflare = findProvider(shippedCatalog(), 'cloudflare');
    expect(cloudflare?.baseUrl).toContain('{account_id}');
    expect(cloudflare?.quirks.requiredPlaceholders).toEqual(['account_id']);
  });

  it('sends anthropic-version with every Anthropic request', () => {
    const anthropic = findProvider(shippedCatalog(), 'anthropic');
    expect(anthropic?.quirks.extraHeaders?.['anthropic-version']).toBe('2023-06-01');
  });

  it('keeps a daily free tier only with a reset time and time zone', () => {
    for (const provider of shippedCatalog().providers) {
      const reset = provider.freeTier?.reset;
      if (reset?.kind === 'daily') {
        expect(reset.time, provider.id).toMatch(/^\d{2}:\d{2}$/);
        expect(reset.timeZone, provider.id).toBeDefined();
      }
    }
  });
});

describe('loadCatalog', () => {
  it('names the field and the provider id when a value is wrong', () => {
    const raw = shipped() as { providers: Array<Record<string, unknown>> };
    const groqIndex = raw.providers.findIndex((p) => p.id === 'groq');
    const groq = raw.providers[groqIndex] as { models: Array<Record<string, unknown>> };
    (groq.models[0] as Record<string, unknown>).contextWindow = -5;
    const result = loadCatalog(raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(
      result.errors.some((e) =>
        e.startsWith(`providers[${groqIndex}] (groq).models[0].contextWindow`),
      ),
    ).toBe(true);
  });

  it('refuses duplicate provider ids', () => {
    const raw = shipped() as { providers: unknown[] };
    raw.providers.push(raw.providers[0]);
    const result = loadCatalog(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(/duplicate provider id "openai"/);
  });

  it('refuses a {placeholder} in baseUrl that quirks do not declare', () => {
    const raw = shipped() as { providers: Array<Record<string, unknown>> };
    const cloudflare = raw.providers.find((p) => p.id === 'cloudflare') as Record<string, unknown>;
    cloudflare.quirks = {};
    const result = loadCatalog(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(/requiredPlaceholders/);
  });

  it('refuses unknown quirks, so a typo in the catalog is caught', () => {
    const raw = shipped() as { providers: Array<Record<string, unknown>> };
    (raw.providers[0] as Record<string, unknown>).quirks = { rejectStreamOptions: true };
    const result = loadCatalog(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(/rejectStreamOptions/);
  });

  it.each([
    ['keepAliveComments', true],
    ['openaiCompatBaseUrl', 'https://generativelanguage.googleapis.com/v1beta/openai'],
    ['keyStatusPath', '/key'],
    ['preChargesMaxTokens', true],
    ['zeroDataRetentionHeader', 'x-zero-data-retention'],
  ])('has no quirk %s, which nothing read', (name, value) => {
    const raw = shipped() as { providers: Array<Record<string, unknown>> };
    (raw.providers[0] as Record<string, unknown>).quirks = { [name]: value };
    const result = loadCatalog(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toContain(name);
  });

  it('answers a non-object with an error, not a throw', () => {
    expect(loadCatalog(null).ok).toBe(false);
    expect(loadCatalog('nope').ok).toBe(false);
  });
});

describe('mergeCatalog', () => {
  it('overrides baseUrl and keeps the rest of the entry', () => {
    const catalog = shippedCatalog();
    const merged = mergeCatalog(catalog, { groq: { baseUrl: 'http://127.0.0.1:9999/v1' } });
    const groq = findProvider(merged, 'groq');
    expect(groq?.baseUrl).toBe('http://127.0.0.1:9999/v1');
    expect(groq?.headerDialect).toBe('groq');
    expect(groq?.models).toEqual(findProvider(catalog, 'groq')?.models);
    expect(findProvider(catalog, 'groq')?.baseUrl).toBe('https://api.groq.com/openai/v1');
  });

  it('adds a custom OpenAI-compatible provider with an unknown data policy', () => {
    const merged = mergeCatalog(shippedCatalog(), {
      mybox: { custom: true, baseUrl: 'http://127.0.0.1:5000/v1', models: ['qwen3:8b'] },
    });
    const mybox = findProvider(merged, 'mybox');
    expect(mybox).toMatchObject({
      id: 'mybox',
      name: 'mybox',
      format: 'openai',
      auth: 'bearer',
      headerDialect: 'none',
      local: true,
      custom: true,
      models: [{ id: 'qwen3:8b', kind: 'chat', free: false }],
    });
    expect(Object.values(mybox?.dataPolicy ?? {})).toEqual([
      'unknown',
      'unknown',
      'unknown',
      'unknown',
      'unknown',
    ]);
  });

  it('gives a custom provider with another format that format’s auth header', () => {
    const merged = mergeCatalog(shippedCatalog(), {
      proxy: { custom: true, baseUrl: 'https://claude.example.com', format: 'anthropic' },
    });
    expect(findProvider(merged, 'proxy')).toMatchObject({
      format: 'anthropic',
      auth: 'x-api-key',
      local: false,
    });
  });

  it('drops disabled providers, catalog and custom alike', () => {
    const merged = mergeCatalog(shippedCatalog(), {
      openai: { disabled: true },
      spare: { custom: true, disabled: true, baseUrl: 'http://127.0.0.1:1/v1' },
    });
    expect(findProvider(merged, 'openai')).toBeUndefined();
    expect(findProvider(merged, 'spare')).toBeUndefined();
    expect(findProvider(merged, 'anthropic')).toBeDefined();
  });

  it('skips a custom provider without baseUrl and says why', () => {
    const catalog = shippedCatalog();
    const overrides = { nourl: { custom: true } };
    expect(findProvider(mergeCatalog(catalog, overrides), 'nourl')).toBeUndefined();
    expect(checkOverrides(catalog, overrides)).toEqual([
      expect.stringMatching(/^providers\.nourl: a custom provider needs a baseUrl/),
    ]);
  });

  it('reports overrides of providers the catalog does not have', () => {
    expect(checkOverrides(shippedCatalog(), { grok: { baseUrl: 'https://x.example/v1' } })).toEqual(
      [expect.stringMatching(/no provider "grok" in the catalog/)],
    );
  });

  it('replaces the model list and keeps the catalog’s figures for known ids', () => {
    const merged = mergeCatalog(shippedCatalog(), {
      groq: { models: ['llama-3.1-8b-instant', 'brand-new-model'] },
    });
    const models = findProvider(merged, 'groq')?.models ?? [];
    expect(models.map((m) => m.id)).toEqual(['llama-3.1-8b-instant', 'brand-new-model']);
    expect(models[0]?.limits?.rpm).toBe(30);
    expect(models[1]).toEqual({ id: 'brand-new-model', kind: 'chat', free: false });
  });

  it('adds override headers to the catalog’s extra headers', () => {
    const merged = mergeCatalog(shippedCatalog(), { anthropic: { headers: { 'x-team': 'blue' } } });
    expect(findProvider(merged, 'anthropic')?.quirks.extraHeaders).toEqual({
      'anthropic-version': '2023-06-01',
      'x-team': 'blue',
    });
  });

  it('switches auth with the format, e.g. Gemini through its OpenAI-compatible endpoint', () => {
    const merged = mergeCatalog(shippedCatalog(), {
      gemini: {
        format: 'openai',
        baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai',
      },
    });
    expect(findProvider(merged, 'gemini')).toMatchObject({ format: 'openai', auth: 'bearer' });
  });

  it('accepts the providers section of a parsed config as is', () => {
    const config = ConfigSchema.parse({
      version: 1,
      providers: {
        groq: { baseUrl: 'http://127.0.0.1:7000/v1' },
        lab: { custom: true, baseUrl: 'http://10.0.0.2:8000/v1' },
      },
    });
    const merged = mergeCatalog(shippedCatalog(), config.providers);
    expect(findProvider(merged, 'lab')?.local).toBe(false);
    expect(findProvider(merged, 'groq')?.baseUrl).toBe('http://127.0.0.1:7000/v1');
  });
});

describe('lookups and cost', () => {
  it('returns undefined for a model the catalog does not list, so callers can still route it', () => {
    const catalog = shippedCatalog();
    expect(findModel(catalog, 'groq', 'some-new-model')).toBeUndefined();
    expect(findModel(catalog, 'no-such-provider', 'x')).toBeUndefined();
    expect(findProvider(catalog, 'groq')).toBeDefined();
  });

  it('prices tokens per million, and 0 when the price is unknown', () => {
    const catalog = shippedCatalog();
    const mini = findModel(catalog, 'openai', 'gpt-4o-mini');
    expect(costUsd(mini, 1_000_000, 1_000_000)).toBeCloseTo(0.75, 10);
    expect(costUsd(mini, 2000, 500)).toBeCloseTo(0.0006, 10);
    expect(priceKnown(mini)).toBe(true);
    const unpriced = findModel(catalog, 'groq', 'llama-3.1-8b-instant');
    expect(priceKnown(unpriced)).toBe(false);
    expect(costUsd(unpriced, 1000, 1000)).toBe(0);
    expect(costUsd(undefined, 1000, 1000)).toBe(0);
  });
});

describe('clampOutputTokens', () => {
  const model = { id: 'gpt-4o-mini', kind: 'chat' as const, free: false, maxOutputTokens: 16384 };
  it('caps a request at the model maximum and leaves smaller ones alone', () => {
    expect(clampOutputTokens(model, 32000)).toBe(16384);
    expect(clampOutputTokens(model, 1000)).toBe(1000);
  });
  it('passes the request through when the maximum is not known', () => {
    expect(clampOutputTokens({ ...model, maxOutputTokens: undefined }, 32000)).toBe(32000);
    expect(clampOutputTokens(undefined, 32000)).toBe(32000);
  });
});
