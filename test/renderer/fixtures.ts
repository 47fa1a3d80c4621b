import type { Settings } from '../../app/admin/contract.ts';
import type { KeyView, ProxyKeyInfo } from '../../app/admin/types.ts';
import type { Catalog, Provider } from '../../app/catalog/schema.ts';
import type { Route } from '../../app/config/schema.ts';

/** A catalog provider for renderer tests: fields not given are plain, open-ended defaults. */
export function provider(overrides: Partial<Provider> & Pick<Provider, 'id' | 'name'>): Provider {
  return {
    baseUrl: `https://${overrides.id}.example/v1`,
    format: 'openai',
    auth: 'bearer',
    headerDialect: 'none',
    quirks: {},
    local: false,
    keyEnv: [],
    models: [],
    dataPolicy: {
      trainsOnFreeInputs: 'unknown',
      trainsOnPaidInputs: 'unknown',
      retention: 'unknown',
      zeroDataRetention: 'unknown',
      jurisdiction: 'unknown',
    },
    sources: [],
    ...overrides,
  };
}

export const CATALOG: Catalog = {
  version: 1,
  providers: [
    provider({
      id: 'groq',
      name: 'Groq',
      models: [
        {
          id: 'llama-3.1-8b-instant',
          kind: 'chat',
          free: true,
          contextWindow: 131072,
          limits: { rpm: 30 },
        },
        { id: 'qwen/qwen3-32b', kind: 'chat', free: true },
      ],
      dataPolicy: {
        trainsOnFreeInputs: 'unknown',
        trainsOnPaidInputs: 'no',
        retention: 'not retained by default',
        zeroDataRetention: 'available',
        jurisdiction: 'US',
      },
    }),
    provider({
      id: 'gemini',
      name: 'Google Gemini',
      format: 'gemini',
      models: [{ id: 'gemini-2.5-flash', kind: 'chat', free: true }],
      dataPolicy: {
        trainsOnFreeInputs: 'yes',
        trainsOnPaidInputs: 'no',
        retention: 'Free tier: used to improve products',
        zeroDataRetention: 'unknown',
        jurisdiction: 'US',
      },
    }),
    provider({
      id: 'openai',
      name: 'OpenAI',
      models: [
        {
          id: 'gpt-4o-mini',
          kind: 'chat',
          free: false,
          pricePerMTokIn: 0.15,
          pricePerMTokOut: 0.6,
        },
      ],
      dataPolicy: {
        trainsOnFreeInputs: 'no',
        trainsOnPaidInputs: 'no',
        retention: '30 days',
        zeroDataRetention: 'by-agreement',
        jurisdiction: 'US',
      },
    }),
    provider({
      id: 'ollama',
      name: 'Ollama',
      auth: 'none',
      local: true,
      models: [{ id: 'llama3.1:8b', kind: 'chat', free: true }],
    }),
  ],
};

export function key(overrides: Partial<KeyView> & Pick<KeyView, 'id' | 'provider'>): KeyView {
  return {
    label: overrides.id,
    last4: 'wxyz',
    tier: 'free',
    source: 'keychain',
    status: 'ok',
    createdAt: null,
    ...overrides,
  };
}

export const KEYS: KeyView[] = [
  key({ id: 'groq-1', provider: 'groq', label: 'personal' }),
  key({ id: 'groq-2', provider: 'groq', label: 'work' }),
  key({ id: 'gemini-1', provider: 'gemini', label: 'gemini free' }),
  key({ id: 'openai-1', provider: 'openai', label: 'paid', tier: 'paid' }),
];

/** The engine's settings as they ship, before the person changes any. */
export const SETTINGS: Settings = {
  logBodies: false,
  detectSensitive: false,
  retentionDays: 30,
  retentionMaxMb: 512,
  maxBodyBytes: 8 * 1024 * 1024,
  autoReplaceModels: false,
  allowedOrigins: [],
};

/** The proxy's address and key as the Connect page receives them. */
export const PROXY_KEY: ProxyKeyInfo = {
  proxyKey: 'sy-test-proxy-key-123456',
  proxyUrl: 'http://127.0.0.1:4141/v1',
  source: 'env',
};

/** A route answered by Groq's llama alone, spilling to the next target on a limit. */
export function route(name: string, overrides: Partial<Route> = {}): Route {
  return {
    name,
    targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }],
    onLimit: { mode: 'spill' },
    privacy: 'standard',
    ...overrides,
  };
}
