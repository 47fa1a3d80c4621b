import { describe, expect, it } from 'vitest';
import { loadCatalog, type Provider } from '../../../app/catalog/schema.ts';
import { expandTargets } from '../../../app/routing/targets.ts';
import catalogJson from '../../../resources/providers.json' with { type: 'json' };

const loaded = loadCatalog(catalogJson);
if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
const providers = new Map<string, Provider>(loaded.catalog.providers.map((p) => [p.id, p]));
const providerOf = (id: string) => providers.get(id);

const KEYS = [
  { id: 'groq-a', provider: 'groq', tier: 'free' as const },
  { id: 'groq-b', provider: 'groq', tier: 'free' as const },
  { id: 'openai-paid', provider: 'openai', tier: 'paid' as const },
];

describe('expandTargets', () => {
  it('gives a provider’s whole key pool, in order, before the chain moves on', () => {
    const { candidates, unusable } = expandTargets(
      [
        { provider: 'groq', model: 'llama-3.1-8b-instant' },
        { provider: 'openai', model: 'gpt-4o-mini' },
      ],
      providerOf,
      KEYS,
    );
    expect(candidates.map((c) => [c.provider.id, c.keyId, c.tier])).toEqual([
      ['groq', 'groq-a', 'free'],
      ['groq', 'groq-b', 'free'],
      ['openai', 'openai-paid', 'paid'],
    ]);
    expect(unusable).toEqual([]);
  });

  it('uses just the named key when a target pins one', () => {
    const { candidates } = expandTargets(
      [{ provider: 'groq', model: 'm', key: 'groq-b' }],
      providerOf,
      KEYS,
    );
    expect(candidates.map((c) => c.keyId)).toEqual(['groq-b']);
  });

  it('runs keyless local servers without a key', () => {
    const { candidates } = expandTargets(
      [{ provider: 'ollama', model: 'llama3.2' }],
      providerOf,
      KEYS,
    );
    expect(candidates).toMatchObject([{ keyId: undefined, tier: 'free', key: undefined }]);
  });

  it('says why a target cannot run: unknown provider, no key, a pinned key that does not exist', () => {
    const { candidates, unusable } = expandTargets(
      [
        { provider: 'nope', model: 'x' },
        { provider: 'gemini', model: 'gemini-2.5-flash' },
        { provider: 'groq', model: 'm', key: 'gone' },
      ],
      providerOf,
      KEYS,
    );
    expect(candidates).toEqual([]);
    expect(unusable).toEqual([
      'nope/x: the provider is not in the catalog or is disabled',
      expect.stringMatching(/gemini-2\.5-flash\): no key yet; add one under Providers & keys$/),
      expect.stringMatching(/\(m\): no key "gone"; pick another key or the provider's pool$/),
    ]);
  });
});
