/** Catalog entries shaped like resources/providers.json, with the figures these tests rely on. */
import type { DataPolicy, Provider } from '../../../app/catalog/schema.ts';
import type { KeyTier, LimiterTarget } from '../../../app/limiter/state.ts';
import type { HeaderLookup } from '../../../app/ratelimit/headers.ts';

const NO_TRAINING: DataPolicy = {
  trainsOnFreeInputs: 'no',
  trainsOnPaidInputs: 'no',
  retention: '30 days',
  zeroDataRetention: 'by-agreement',
  jurisdiction: 'US',
};

function provider(partial: Partial<Provider> & Pick<Provider, 'id' | 'models'>): Provider {
  return {
    name: partial.id,
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

export const GROQ = provider({
  id: 'groq',
  name: 'Groq',
  headerDialect: 'groq',
  freeTier: { description: 'free', reset: { kind: 'unknown' }, scope: 'org' },
  dataPolicy: { ...NO_TRAINING, trainsOnFreeInputs: 'unknown', trainsOnPaidInputs: 'unknown' },
  models: [
    {
      id: 'llama-3.1-8b-instant',
      kind: 'chat',
      free: true,
      contextWindow: 131072,
      limits: { rpm: 30, rpd: 14400, tpm: 6000, tpd: 500000 },
    },
    { id: 'llama-3.3-70b-versatile', kind: 'chat', free: true, limits: { rpm: 30, rpd: 1000 } },
  ],
});

export const GEMINI = provider({
  id: 'gemini',
  name: 'Gemini',
  format: 'gemini',
  auth: 'x-goog-api-key',
  freeTier: {
    description: 'free',
    reset: { kind: 'daily', time: '00:00', timeZone: 'America/Los_Angeles' },
    scope: 'project',
  },
  dataPolicy: { ...NO_TRAINING, trainsOnFreeInputs: 'yes', trainsOnPaidInputs: 'no' },
  models: [
    {
      id: 'gemini-2.0-flash',
      kind: 'chat',
      free: true,
      contextWindow: 1048576,
      limits: { rpm: 15, rpd: 1500 },
    },
    { id: 'gemini-2.5-flash', kind: 'chat', free: true, limits: { rpm: 10, rpd: 20 } },
  ],
});

export const OPENROUTER = provider({
  id: 'openrouter',
  name: 'OpenRouter',
  headerDialect: 'openrouter',
  freeTier: {
    description: 'free',
    reset: { kind: 'daily', time: '00:00', timeZone: 'UTC' },
    scope: 'account',
  },
  dataPolicy: { ...NO_TRAINING, trainsOnFreeInputs: 'unknown', trainsOnPaidInputs: 'unknown' },
  models: [
    {
      id: 'meta-llama/llama-3.3-70b-instruct:free',
      kind: 'chat',
      free: true,
      limits: { rpm: 20, rpd: 50 },
    },
    { id: 'qwen/qwen3-coder:free', kind: 'chat', free: true, limits: { rpm: 20, rpd: 50 } },
    { id: 'openai/gpt-4o-mini', kind: 'chat', free: false, contextWindow: 128000 },
  ],
});

export const CEREBRAS = provider({
  id: 'cerebras',
  name: 'Cerebras',
  headerDialect: 'cerebras',
  freeTier: { description: 'free', reset: { kind: 'rolling' }, scope: 'org' },
  dataPolicy: { ...NO_TRAINING, trainsOnFreeInputs: 'unknown', trainsOnPaidInputs: 'unknown' },
  models: [
    {
      id: 'llama3.1-8b',
      kind: 'chat',
      free: true,
      contextWindow: 8192,
      limits: { rpm: 30, rpd: 14400, tpm: 60000 },
    },
  ],
});

export const MISTRAL = provider({
  id: 'mistral',
  name: 'Mistral',
  headerDialect: 'mistral',
  freeTier: { description: 'free', reset: { kind: 'monthly' }, scope: 'org' },
  dataPolicy: { ...NO_TRAINING, trainsOnFreeInputs: 'opt-out', trainsOnPaidInputs: 'no' },
  models: [{ id: 'mistral-small-latest', kind: 'chat', free: true }],
});

export const OPENAI = provider({
  id: 'openai',
  name: 'OpenAI',
  headerDialect: 'openai',
  models: [
    { id: 'gpt-4o-mini', kind: 'chat', free: false, contextWindow: 128000 },
    { id: 'gpt-4.1-mini', kind: 'chat', free: false, contextWindow: 1047576 },
  ],
});

export const ANTHROPIC = provider({
  id: 'anthropic',
  name: 'Anthropic',
  format: 'anthropic',
  auth: 'x-api-key',
  headerDialect: 'anthropic',
  models: [{ id: 'claude-haiku-4-5', kind: 'chat', free: false, contextWindow: 200000 }],
});

export const TOGETHER = provider({
  id: 'together',
  name: 'Together',
  headerDialect: 'together',
  models: [{ id: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', kind: 'chat', free: false }],
});

export const GITHUB = provider({
  id: 'github-models',
  name: 'GitHub Models',
  headerDialect: 'github',
  freeTier: { description: 'free', reset: { kind: 'unknown' }, scope: 'account' },
  dataPolicy: { ...NO_TRAINING, trainsOnFreeInputs: 'unknown', trainsOnPaidInputs: 'unknown' },
  models: [
    {
      id: 'openai/gpt-4o-mini',
      kind: 'chat',
      free: true,
      limits: { rpm: 15, rpd: 150, concurrency: 2, inputTokensPerRequest: 8000 },
    },
    { id: 'openai/gpt-4o', kind: 'chat', free: true, limits: { rpm: 10, rpd: 50, concurrency: 2 } },
  ],
});

export const OLLAMA = provider({
  id: 'ollama',
  name: 'Ollama',
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
  models: [{ id: 'qwen2.5-coder:7b', kind: 'chat', free: true, contextWindow: 32768 }],
});

export const CUSTOM_UNKNOWN = provider({
  id: 'custom-llm',
  name: 'Custom',
  dataPolicy: {
    trainsOnFreeInputs: 'unknown',
    trainsOnPaidInputs: 'unknown',
    retention: 'unknown',
    zeroDataRetention: 'unknown',
    jurisdiction: 'unknown',
  },
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
