/** Catalog entries shaped like resources/providers.json, with the figures these tests rely on. */
import type { FreeTier } from '../../../app/catalog/freeTier.ts';
import type { Model } from '../../../app/catalog/model.ts';
import {
  UNKNOWN_DATA_POLICY,
  type DataPolicy,
  type Provider,
} from '../../../app/catalog/schema.ts';
import type { KeyTier, LimiterTarget } from '../../../app/limiter/state.ts';
import type { HeaderLookup } from '../../../app/ratelimit/headers.ts';

const NO_TRAINING: DataPolicy = {
  trainsOnFreeInputs: 'no',
  trainsOnPaidInputs: 'no',
  retention: '30 days',
  zeroDataRetention: 'by-agreement',
  jurisdiction: 'US',
};

const TRAINING_UNKNOWN: DataPolicy = {
  ...NO_TRAINING,
  trainsOnFreeInputs: 'unknown',
  trainsOnPaidInputs: 'unknown',
};

function provider(
  id: string,
  name: string,
  partial: Partial<Provider> & Pick<Provider, 'models'>,
): Provider {
  return {
    id,
    name,
    baseUrl: 'https://example.invalid/v1',
    format: 'openai',
    auth: 'bearer',
    headerDialect: 'none',
    quirks: {},
    local: false,
    keyEnv: [],
    dataPolicy: NO_TRAINING,
    sources: [],
    ...partial,
  };
}

function freeTier(reset: FreeTier['reset'], scope?: FreeTier['scope']): FreeTier {
  return { description: 'free', reset, ...(scope === undefined ? {} : { scope }) };
}

/** A standing free tier from a provider whose training on prompts no source settles. */
function freeTrainingUnknown(
  reset: FreeTier['reset'],
  scope: NonNullable<FreeTier['scope']>,
): Pick<Provider, 'freeTier' | 'dataPolicy'> {
  return { freeTier: freeTier(reset, scope), dataPolicy: TRAINING_UNKNOWN };
}

/** A chat model, free or not, with its published limits and context window where given. */
function chat(
  id: string,
  free: boolean,
  figures: Pick<Model, 'limits' | 'contextWindow'> = {},
): Model {
  return { id, kind: 'chat', free, ...figures };
}

export const GROQ = provider('groq', 'Groq', {
  headerDialect: 'groq',
  ...freeTrainingUnknown({ kind: 'unknown' }, 'org'),
  models: [
    chat('llama-3.1-8b-instant', true, {
      contextWindow: 131072,
      limits: { rpm: 30, rpd: 14400, tpm: 6000, tpd: 500000 },
    }),
    chat('llama-3.3-70b-versatile', true, { limits: { rpm: 30, rpd: 1000 } }),
  ],
});

/** Groq with limits loose enough for a journal lease in every window (app/limiter/lease.ts). */
export const GROQ_LOOSE: Provider = {
  ...GROQ,
  models: GROQ.models.map((m) => ({
    ...m,
    limits: { rpm: 10_000, rpd: 1_000_000, tpm: 10_000_000, tpd: 100_000_000 },
  })),
};

export const GEMINI = provider('gemini', 'Gemini', {
  format: 'gemini',
  auth: 'x-goog-api-key',
  freeTier: freeTier({ kind: 'daily', time: '00:00', timeZone: 'America/Los_Angeles' }, 'project'),
  dataPolicy: { ...NO_TRAINING, trainsOnFreeInputs: 'yes', trainsOnPaidInputs: 'no' },
  models: [
    chat('gemini-2.0-flash', true, { contextWindow: 1048576, limits: { rpm: 15, rpd: 1500 } }),
    chat('gemini-2.5-flash', true, { limits: { rpm: 10, rpd: 20 } }),
  ],
});

export const OPENROUTER = provider('openrouter', 'OpenRouter', {
  headerDialect: 'openrouter',
  ...freeTrainingUnknown({ kind: 'daily', time: '00:00', timeZone: 'UTC' }, 'account'),
  models: [
    chat('meta-llama/llama-3.3-70b-instruct:free', true, { limits: { rpm: 20, rpd: 50 } }),
    chat('qwen/qwen3-coder:free', true, { limits: { rpm: 20, rpd: 50 } }),
    chat('openai/gpt-4o-mini', false, { contextWindow: 128000 }),
  ],
});

export const CEREBRAS = provider('cerebras', 'Cerebras', {
  headerDialect: 'cerebras',
  ...freeTrainingUnknown({ kind: 'rolling' }, 'org'),
  models: [
    chat('llama3.1-8b', true, { contextWindow: 8192, limits: { rpm: 30, rpd: 14400, tpm: 60000 } }),
  ],
});

export const MISTRAL = provider('mistral', 'Mistral', {
  headerDialect: 'mistral',
  freeTier: freeTier({ kind: 'monthly' }, 'org'),
  dataPolicy: { ...NO_TRAINING, trainsOnFreeInputs: 'opt-out', trainsOnPaidInputs: 'no' },
  models: [chat('mistral-small-latest', true)],
});

export const OPENAI = provider('openai', 'OpenAI', {
  headerDialect: 'openai',
  models: [
    chat('gpt-4o-mini', false, { contextWindow: 128000 }),
    chat('gpt-4.1-mini', false, { contextWindow: 1047576 }),
  ],
});

export const ANTHROPIC = provider('anthropic', 'Anthropic', {
  format: 'anthropic',
  auth: 'x-api-key',
  headerDialect: 'anthropic',
  models: [chat('claude-haiku-4-5', false, { contextWindow: 200000 })],
});

export const TOGETHER = provider('together', 'Together', {
  headerDialect: 'together',
  models: [chat('meta-llama/Llama-3.3-70B-Instruct-Turbo', false)],
});

export const GITHUB = provider('github-models', 'GitHub Models', {
  headerDialect: 'github',
  ...freeTrainingUnknown({ kind: 'unknown' }, 'account'),
  models: [
    chat('openai/gpt-4o-mini', true, {
      limits: { rpm: 15, rpd: 150, concurrency: 2, inputTokensPerRequest: 8000 },
    }),
    chat('openai/gpt-4o', true, { limits: { rpm: 10, rpd: 50, concurrency: 2 } }),
  ],
});

export const OLLAMA = provider('ollama', 'Ollama', {
  baseUrl: 'http://localhost:11434/v1',
  auth: 'none',
  local: true,
  freeTier: { description: 'local', reset: { kind: 'none' } },
  dataPolicy: {
    trainsOnFreeInputs: 'no',
    trainsOnPaidInputs: 'no',
    retention: 'Stays on this machine',
    zeroDataRetention: 'available',
    jurisdiction: 'local',
  },
  models: [chat('qwen2.5-coder:7b', true, { contextWindow: 32768 })],
});

export const CUSTOM_UNKNOWN = provider('custom-llm', 'Custom', {
  dataPolicy: UNKNOWN_DATA_POLICY,
  models: [],
  custom: true,
});

export function target(
  p: Provider,
  model: string,
  keyId: string | undefined = 'k1',
  tier: KeyTier = 'free',
): LimiterTarget {
  return { provider: p, model, keyId, tier };
}

/** A header lookup over a plain record (names given in lower case). */
export function headers(record: Record<string, string>): HeaderLookup {
  return (name) => record[name];
}

/** 2026-03-10 12:00 UTC: a Tuesday, Pacific Daylight Time (UTC-7). */
export const T0 = Date.parse('2026-03-10T12:00:00Z');
