import type { Catalog } from './schema.ts';

/** What an environment variable holding a key is for: its provider, and the tier it gets unless the person says otherwise. */
export type KeyEnvEntry = { provider: string; tier: 'free' | 'paid' };

/**
 * The variables providers' own SDKs read, from the catalog's `keyEnv` lists. The first provider
 * that lists a name owns it (GEMINI_API_KEY is Gemini's native API, not its OpenAI-compatible
 * twin). The tier is free only where the provider has a standing free tier: a key wrongly marked
 * free would be spent first.
 */
export function keyEnvOf(catalog: Catalog): Readonly<Record<string, KeyEnvEntry>> {
  const out: Record<string, KeyEnvEntry> = {};
  for (const provider of catalog.providers) {
    if (provider.template === true) continue;
    for (const name of provider.keyEnv) {
      out[name] ??= { provider: provider.id, tier: provider.freeTier ? 'free' : 'paid' };
    }
  }
  return out;
}
