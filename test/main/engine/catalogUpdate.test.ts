import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { CatalogView } from '../../../app/admin/contract.ts';
import type { Catalog } from '../../../app/catalog/schema.ts';
import {
  acceptAnyKey,
  startScratchEngine,
  type ScratchEngine,
} from '../../harness/scratchEngine.ts';

let scratch: ScratchEngine | undefined;
afterEach(async () => {
  await scratch?.close();
  scratch = undefined;
});

async function start(update: unknown | undefined, logs: string[]): Promise<CatalogView> {
  scratch = await startScratchEngine({
    name: 'catalog',
    files: update === undefined ? {} : { 'providers.json': update },
    log: (line) => logs.push(line),
    validateKey: acceptAnyKey,
  });
  return (await scratch.adminJson<CatalogView>('GET', '/admin/catalog')).json;
}

async function shippedWithGroqRpd(rpd: number, updated: string): Promise<Catalog> {
  const text = await readFile(
    new URL('../../../resources/providers.json', import.meta.url),
    'utf8',
  );
  const catalog = JSON.parse(text) as Catalog;
  const groq = catalog.providers.find((p) => p.id === 'groq');
  const model = groq?.models[0];
  if (!groq || !model) throw new Error('no groq model in the catalog');
  model.limits = { ...model.limits, rpd };
  return { ...catalog, updated, providers: [groq] };
}

describe('a catalog update in the data folder', () => {
  it('is in force over the shipped catalog when it is newer, and the admin API says so', async () => {
    const logs: string[] = [];
    const view = await start(await shippedWithGroqRpd(4242, '2099-01-01'), logs);
    expect(view.catalog.origin).toBe('update');
    expect(view.catalog.updated).toBe('2099-01-01');
    expect(view.catalog.providers.find((p) => p.id === 'groq')?.models[0]?.limits?.rpd).toBe(4242);
    expect(view.catalog.providers.some((p) => p.id === 'openai')).toBe(true);
    expect(logs.join('\n')).toContain('(2099-01-01) is in force over the shipped catalog');
  });

  it('is logged and ignored when it is older than the shipped one', async () => {
    const logs: string[] = [];
    const view = await start(await shippedWithGroqRpd(4242, '2001-01-01'), logs);
    expect(view.catalog.origin).toBe('shipped');
    expect(view.catalog.providers.find((p) => p.id === 'groq')?.models[0]?.limits?.rpd).not.toBe(
      4242,
    );
    expect(logs.join('\n')).toContain('is not newer than the shipped catalog');
  });
});
