// A route's expanded candidates are kept between requests (main/engine/targets.ts) while its
// targets, the keys and the catalog are the same objects: a change of any of them must show at once.
import { describe, expect, it } from 'vitest';
import { ConfigSchema, type Config } from '../../../app/config/schema.ts';
import { loadShippedCatalog, ProviderDirectory } from '../../../main/engine/providerDirectory.ts';
import { resolveModel } from '../../../main/engine/targets.ts';
import { DEFAULT_CATALOG_PATH } from '../../../main/proxy/proxyService.ts';

const catalog = loadShippedCatalog(DEFAULT_CATALOG_PATH);

const key = (id: string) => ({ id, provider: 'groq', label: id, secret: { env: 'GROQ_TEST_KEY' } });

function config(keys: string[], providers: Record<string, { baseUrl: string }> = {}): Config {
  return ConfigSchema.parse({
    version: 1,
    providers,
    keys: keys.map(key),
    routes: [{ name: 'r', targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }] }],
  });
}

function keyIds(result: ReturnType<typeof resolveModel>): Array<string | undefined> {
  if (!result.ok) throw new Error(result.message);
  return result.candidates.map((c) => c.keyId);
}

describe("a route's candidates", () => {
  it('follow the keys when the routes stay the same objects', () => {
    const one = config(['g1']);
    const providers = new ProviderDirectory(catalog, one);
    expect(keyIds(resolveModel('r', one, providers))).toEqual(['g1']);
    expect(keyIds(resolveModel('r', one, providers))).toEqual(['g1']);
    // A key added: the same routes, a new key list.
    const two: Config = { ...one, keys: config(['g1', 'g2']).keys };
    expect(keyIds(resolveModel('r', two, providers))).toEqual(['g1', 'g2']);
    expect(keyIds(resolveModel('r', one, providers))).toEqual(['g1']);
  });

  it('follow the catalog when the config changes the provider', () => {
    const before = config(['g1']);
    const providers = new ProviderDirectory(catalog, before);
    const first = resolveModel('r', before, providers);
    if (!first.ok) throw new Error(first.message);
    const baseUrl = 'http://127.0.0.1:9/groq/v1';
    providers.update({ ...before, providers: config([], { groq: { baseUrl } }).providers });
    const after = resolveModel('r', before, providers);
    if (!after.ok) throw new Error(after.message);
    expect(first.candidates[0]?.provider.baseUrl).not.toBe(baseUrl);
    expect(after.candidates[0]?.provider.baseUrl).toBe(baseUrl);
  });
});
