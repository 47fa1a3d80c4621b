import type { ImportCandidate, ImportResult, KeyAddResult } from '../../app/admin/types.ts';
import type { KeyEnvEntry } from '../../app/catalog/keyEnv.ts';
import { lastFour, scrub } from './secretText.ts';

export type ImportItem = {
  name: string;
  provider?: string;
  label?: string;
  tier?: 'free' | 'paid';
};

/** Names in a .env file that look like they hold a key, even when no provider is known for them. */
const KEY_LIKE_NAME = /(?:_API_KEY|_KEY|_TOKEN|_SECRET)$/;

/** What importing needs of the key store. */
export type ImportContext = {
  /** Env variable name to provider (and suggested tier), from the catalog's `keyEnv` lists. */
  known: Readonly<Record<string, KeyEnvEntry>>;
  /** Switchyard's own environment. */
  env: Record<string, string | undefined>;
  /** Whether a key of this provider ending in these four characters is configured already. */
  hasKey: (provider: string, last4: string) => boolean;
  /** Adds a key whose secret the engine holds (so it goes only to a confirmed address). */
  add: (input: {
    provider: string;
    label: string;
    tier: 'free' | 'paid';
    secret: string;
  }) => Promise<KeyAddResult>;
};

/** Keys found in the environment (known variables) and in a .env file's values that could be imported. */
export function importCandidates(
  ctx: ImportContext,
  dotenv?: Record<string, string>,
): ImportCandidate[] {
  const candidate = (
    name: string,
    provider: string | null,
    source: 'env' | 'dotenv',
    value: string,
  ): ImportCandidate => {
    const last4 = lastFour(value);
    return {
      name,
      provider,
      source,
      last4,
      alreadyAdded: provider !== null && ctx.hasKey(provider, last4),
    };
  };
  const out: ImportCandidate[] = [];
  for (const [name, { provider }] of Object.entries(ctx.known)) {
    const value = ctx.env[name];
    if (value) out.push(candidate(name, provider, 'env', value));
  }
  for (const [name, value] of Object.entries(dotenv ?? {})) {
    if (!value || !(name in ctx.known || KEY_LIKE_NAME.test(name))) continue;
    out.push(candidate(name, ctx.known[name]?.provider ?? null, 'dotenv', value));
  }
  return out;
}

/**
 * Imports keys from environment variables (or a parsed .env file's values) into the keychain,
 * one new key each. Never writes an `env` reference: the secret is copied into the keychain.
 */
export async function importKeys(
  ctx: ImportContext,
  names: readonly (string | ImportItem)[],
  values: Record<string, string | undefined> = ctx.env,
): Promise<ImportResult[]> {
  const results: ImportResult[] = [];
  for (const entry of names) {
    const item: ImportItem = typeof entry === 'string' ? { name: entry } : entry;
    const value = values[item.name];
    const provider = item.provider ?? ctx.known[item.name]?.provider;
    if (!value) {
      results.push({ name: item.name, outcome: 'failed', message: `${item.name} is not set.` });
      continue;
    }
    if (provider === undefined) {
      results.push({
        name: item.name,
        outcome: 'failed',
        message: `Switchyard does not know which provider ${item.name} is for; choose one.`,
      });
      continue;
    }
    if (ctx.hasKey(provider, lastFour(value))) {
      results.push({
        name: item.name,
        outcome: 'skipped',
        message: `A ${provider} key ending in ${lastFour(value)} is already configured.`,
      });
      continue;
    }
    try {
      const added = await ctx.add({
        provider,
        label: item.label ?? item.name,
        tier: item.tier ?? ctx.known[item.name]?.tier ?? 'paid',
        secret: value,
      });
      results.push({
        name: item.name,
        outcome: 'imported',
        message: added.test.message,
        key: added.key,
      });
    } catch (err) {
      results.push({
        name: item.name,
        outcome: 'failed',
        message: scrub((err as Error).message, value),
      });
    }
  }
  return results;
}
