import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CatalogView } from '../../../app/admin/contract.ts';
import type { Catalog } from '../../../app/catalog/schema.ts';
import { startEngine, type Engine } from '../../../main/engine/engine.ts';
import { MemoryKeychain } from '../keys/memoryKeychain.ts';

let engine: Engine | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await engine?.stop(1000);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  engine = undefined;
});

async function start(update: unknown | undefined, logs: string[]): Promise<CatalogView> {
  dataDir = await mkdtemp(join(tmpdir(), 'switchyard-catalog-'));
  if (update !== undefined)
    await writeFile(join(dataDir, 'providers.json'), JSON.stringify(update));
  engine = await startEngine({
    host: '127.0.0.1',
    port: 0,
    allowRemote: false,
    dataDir,
    dashboardDir: dataDir,
    log: (line) => logs.push(line),
    keychain: new MemoryKeychain(),
    validateKey: async () => ({ outcome: 'ok', message: 'ok', latencyMs: 1 }),
    env: {},
  });
  const res = await fetch(`${engine.url}/admin/catalog`, {
    headers: { authorization: `Bearer ${engine.adminToken}` },
  });
  return (await res.json()) as CatalogView;
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
