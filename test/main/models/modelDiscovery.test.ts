import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigValue } from '../../../app/config/parse.ts';
import type { Config } from '../../../app/config/schema.ts';
import type { Provider } from '../../../app/catalog/schema.ts';
import { loadShippedCatalog, ProviderDirectory } from '../../../main/engine/providerDirectory.ts';
import { DEFAULT_CATALOG_PATH } from '../../../main/proxy/proxyService.ts';
import {
  COUNTED_LISTING_INTERVAL_MS,
  ModelDiscovery,
  modelIdsOf,
} from '../../../main/models/modelDiscovery.ts';
import { ModelStore } from '../../../main/models/modelStore.ts';
import { openDatabase } from '../../../main/store/database.ts';

let dir: string;
let db: DatabaseSync;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-discovery-'));
  db = openDatabase(join(dir, 'switchyard.db'));
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

function config(raw: unknown): Config {
  const parsed = parseConfigValue(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed));
  return parsed.config;
}

function discovery(
  cfg: Config,
  calls: string[],
  now: { t: number },
  directory?: ProviderDirectory,
) {
  const store = new ModelStore(db);
  const providers =
    directory ?? new ProviderDirectory(loadShippedCatalog(DEFAULT_CATALOG_PATH), cfg);
  const run = new ModelDiscovery({
    store,
    providers,
    list: async (provider: Provider, keyId: string) => {
      calls.push(`${provider.id}:${keyId}`);
      return provider.id === 'ollama' ? ['qwen3:8b', 'llama3.2:3b'] : ['llama-3.1-8b-instant'];
    },
    config: () => cfg,
    clock: () => now.t,
    intervalMs: 1000,
    log: () => undefined,
    onListed: () => undefined,
  });
  return { store, run };
}

describe('model discovery', () => {
  it('lists each key and each keyless local server a route uses, with first and last seen', async () => {
    const cfg = config({
      version: 1,
      keys: [{ id: 'groq-1', provider: 'groq', label: 'g', secret: { env: 'X' } }],
      routes: [{ name: 'local', targets: [{ provider: 'ollama', model: 'qwen3:8b' }] }],
    });
    const calls: string[] = [];
    const now = { t: 1000 };
    const { store, run } = discovery(cfg, calls, now);
    run.runAll();
    await run.settled();
    now.t = 5000;
    run.runAll();
    await run.settled();
    expect(calls.sort()).toEqual(['groq:groq-1', 'groq:groq-1', 'ollama:', 'ollama:']);
    expect(store.discovered()).toContainEqual({
      provider: 'ollama',
      keyId: '',
      model: 'qwen3:8b',
      firstSeen: 1000,
      lastSeen: 5000,
    });
  });

  it('lists at most daily where listing may count against a quota', async () => {
    const cfg = config({
      version: 1,
      keys: [{ id: 'groq-1', provider: 'groq', label: 'g', secret: { env: 'X' } }],
    });
    const shipped = loadShippedCatalog(DEFAULT_CATALOG_PATH);
    const counted = {
      ...shipped,
      providers: shipped.providers.map((p) =>
        p.id === 'groq' ? { ...p, quirks: { ...p.quirks, modelsListCounts: true } } : p,
      ),
    };
    const calls: string[] = [];
    const now = { t: 1000 };
    const { run } = discovery(cfg, calls, now, new ProviderDirectory(counted, cfg));
    run.runAll();
    await run.settled();
    now.t += COUNTED_LISTING_INTERVAL_MS - 1;
    run.runAll();
    run.keyAdded('groq', 'groq-1');
    await run.settled();
    expect(calls).toEqual(['groq:groq-1']);
    now.t += 1;
    run.runAll();
    await run.settled();
    expect(calls).toEqual(['groq:groq-1', 'groq:groq-1']);
  });

  it('reads the ids of every provider family’s model list', () => {
    expect(modelIdsOf('{"data":[{"id":"gpt-4o-mini"},{"id":"o3"}]}')).toEqual([
      'gpt-4o-mini',
      'o3',
    ]);
    expect(modelIdsOf('{"models":[{"name":"models/gemini-2.5-flash"}]}')).toEqual([
      'gemini-2.5-flash',
    ]);
    expect(modelIdsOf('{"models":[{"name":"qwen3:8b"}]}')).toEqual(['qwen3:8b']);
    expect(modelIdsOf('not json')).toBeUndefined();
  });
});
