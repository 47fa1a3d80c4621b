import type { MockProviderOptions } from '../mocks/types.ts';
import type { TestKey } from './harness.ts';

/** A key as a suite names it: its id, its catalog provider, and its tier when not free. */
export type KeySpec = [id: string, provider: string, tier?: 'free' | 'paid'];

/**
 * A suite's provider keys, each read from its own environment variable (`SY_<SUITE>_<ID>`), with
 * a secret that names the suite and the key, so no two suites share a variable or a secret.
 */
export function keysFor(suite: string, specs: KeySpec[]): TestKey[] {
  return specs.map(([id, provider, tier]) => ({
    id,
    provider,
    env: `SY_${suite}_${id}`.toUpperCase().replace(/[^A-Z0-9]/g, '_'),
    secret: `sk-${suite}-${id}-secret-0123`,
    ...(tier ? { tier } : {}),
  }));
}

/** The mock a catalog provider gets unless a test needs more: its wire format and header dialect. */
const STANDARD_MOCKS: Record<string, MockProviderOptions> = {
  openai: { format: 'openai' },
  anthropic: { format: 'anthropic' },
  gemini: { format: 'gemini' },
  groq: { format: 'openai', dialect: 'groq' },
  cerebras: { format: 'openai', dialect: 'cerebras' },
  mistral: { format: 'openai', dialect: 'mistral' },
  ollama: { format: 'openai', dialect: 'none' },
};

/** Standard mocks for these catalog providers, each with `extra` options (a shared clock, say). */
export function mocksFor(
  providers: string[],
  extra: Partial<MockProviderOptions> = {},
): Record<string, MockProviderOptions> {
  return Object.fromEntries(
    providers.map((id) => {
      const mock = STANDARD_MOCKS[id];
      if (!mock) throw new Error(`no standard mock for "${id}": give its options`);
      return [id, { ...mock, ...extra }];
    }),
  );
}

export type RouteTarget = { provider: string; model: string; key?: string };

/** A route as a config file holds it; a target may be written `provider/model`. */
export function route(
  name: string,
  targets: Array<string | RouteTarget>,
  options: Record<string, unknown> = {},
): { name: string; targets: RouteTarget[] } & Record<string, unknown> {
  return {
    name,
    ...options,
    targets: targets.map((t) => {
      if (typeof t !== 'string') return t;
      const slash = t.indexOf('/');
      return { provider: t.slice(0, slash), model: t.slice(slash + 1) };
    }),
  };
}

/**
 * Routes several suites use: `chain` fails over from OpenAI to Anthropic; `fast` hedges Groq with
 * Cerebras after 300 ms; `private` is sensitive, so it skips Gemini's free tier for Ollama.
 */
export const CHAINS = {
  chain: route('chain', ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5']),
  fast: route('fast', ['groq/llama-3.1-8b-instant', 'cerebras/llama3.1-8b'], {
    latencyBudgetMs: 300,
  }),
  private: route('private', ['gemini/gemini-2.5-flash', 'ollama/llama3.2'], {
    privacy: 'sensitive',
  }),
};
