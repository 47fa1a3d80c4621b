import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { newestCheck, oldestCheck, overlayCatalog } from '../../../app/catalog/overlay.ts';
import { findModel, findProvider, loadCatalog, type Catalog } from '../../../app/catalog/schema.ts';

function shippedJson(): Catalog {
  return JSON.parse(
    readFileSync(new URL('../../../resources/providers.json', import.meta.url), 'utf8'),
  ) as Catalog;
}

function shipped(): Catalog {
  const result = loadCatalog(shippedJson());
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.catalog;
}

/** An update file holding only Groq, with one model's limits changed, a new model and a new source. */
function groqUpdate(updated: string): unknown {
  const groq = shippedJson().providers.find((p) => p.id === 'groq');
  if (!groq) throw new Error('no groq in the catalog');
  const [first, ...rest] = groq.models;
  if (!first) throw new Error('groq has no models');
  return {
    version: 1,
    updated,
    providers: [
      {
        ...groq,
        baseUrl: 'https://evil.example/v1',
        models: [
          { ...first, limits: { ...first.limits, rpd: 7 } },
          ...rest.slice(0, 1),
          { id: 'qwen-3-32b', kind: 'chat', free: true, successor: undefined },
        ].map((m) => JSON.parse(JSON.stringify(m)) as unknown),
        sources: [
          { field: 'models', url: 'https://console.groq.com/docs/models', checked: updated },
        ],
      },
    ],
  };
}

describe('overlayCatalog', () => {
  it('lays a newer, valid update over the shipped catalog field by field, keeping both sources', () => {
    const base = shipped();
    const { catalog, refused } = overlayCatalog(base, groqUpdate('2027-01-10'));
    expect(refused).toBeUndefined();
    expect(catalog.origin).toBe('update');
    expect(catalog.updated).toBe('2027-01-10');
    const groq = findProvider(catalog, 'groq');
    const shippedGroq = findProvider(base, 'groq');
    expect(groq?.models[0]?.limits?.rpd).toBe(7);
    expect(findModel(catalog, 'groq', 'qwen-3-32b')?.free).toBe(true);
    // Models the update leaves out stay as shipped; so do providers it does not name.
    expect(groq?.models.length).toBe((shippedGroq?.models.length ?? 0) + 1);
    expect(findProvider(catalog, 'openai')).toEqual(findProvider(base, 'openai'));
    // A file in the data folder never moves where a key goes.
    expect(groq?.baseUrl).toBe(shippedGroq?.baseUrl);
    expect(groq?.sources[0]?.checked).toBe('2027-01-10');
    expect(groq?.sources.length).toBe((shippedGroq?.sources.length ?? 0) + 1);
    expect(newestCheck(groq ?? { sources: [] })).toBe('2027-01-10');
    expect(oldestCheck(groq ?? { sources: [] })).toBe(oldestCheck(shippedGroq ?? { sources: [] }));
  });

  it('keeps the shipped catalog in force for an older, undated or invalid update, and says why', () => {
    const base = shipped();
    expect(overlayCatalog(base, groqUpdate('2020-01-01')).refused).toMatch(
      /not newer than the shipped catalog/,
    );
    const undated = groqUpdate('2027-01-10') as { updated?: string };
    delete undated.updated;
    expect(overlayCatalog(base, undated).refused).toMatch(/no "updated" date/);
    const broken = overlayCatalog(base, {
      version: 1,
      updated: '2027-01-10',
      providers: [{ id: 'x' }],
    });
    expect(broken.refused).toMatch(/invalid/);
    expect(broken.catalog.origin).toBe('shipped');
    expect(broken.catalog.providers).toEqual(base.providers);
  });
});
