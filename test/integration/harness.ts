import type { Engine } from '../../main/engine/engine.ts';
import { startScratchEngine } from '../harness/scratchEngine.ts';
import { startMockProvider } from '../mocks/mockProvider.ts';
import type { MockProvider, MockProviderOptions } from '../mocks/types.ts';

export const PROXY_KEY = 'sy-test-proxy-key-0123456789';

/** A provider key as tests use it: the secret, and the env var the config points at. */
export type TestKey = {
  id: string;
  provider: string;
  env: string;
  secret: string;
  tier?: 'free' | 'paid';
};

/** A key as a suite names it: its id, its catalog provider, and its tier when not free. */
export type KeySpec = [id: string, provider: string, tier?: 'free' | 'paid'];

/**
 * A suite's provider keys, each read from its own environment variable (`SY_<SUITE>_<ID>`), with
 * a secret that names the suite and the key, so no two suites share a variable or a secret.
 */
export function testKeys(suite: string, specs: KeySpec[]): TestKey[] {
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
export function standardMocks(
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
export const SHARED_ROUTES = {
  chain: route('chain', ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5']),
  fast: route('fast', ['groq/llama-3.1-8b-instant', 'cerebras/llama3.1-8b'], {
    latencyBudgetMs: 300,
  }),
  private: route('private', ['gemini/gemini-2.5-flash', 'ollama/llama3.2'], {
    privacy: 'sensitive',
  }),
};

export type TestEngine = {
  engine: Engine;
  mocks: Record<string, MockProvider>;
  logs: string[];
  adminFetch: (path: string, init?: RequestInit) => Promise<Response>;
  /** Stops the engine and starts a new one on the same data folder (what survives a restart). */
  restart: () => Promise<Engine>;
  close: () => Promise<void>;
};

export type EngineSetup = {
  /** Mock providers by catalog provider id; each overrides that provider's baseUrl. */
  mocks: Record<string, MockProviderOptions>;
  keys: TestKey[];
  routes?: unknown[];
  rules?: unknown[];
  /** The engine's clock (the limiter's time); the mocks should be given the same one. */
  clock?: () => number;
  settings?: Record<string, unknown>;
  upstreamTimeouts?: { connectMs?: number; headersMs?: number; idleMs?: number };
  /** How often keys' model lists are fetched (short in the model watch's tests); unset: no discovery. */
  discoveryIntervalMs?: number;
};

/**
 * Starts mock providers and an engine in this process whose config points the catalog's
 * providers at the mocks; keys come from environment variables set here.
 */
export async function startTestEngine(setup: EngineSetup): Promise<TestEngine> {
  const mocks: Record<string, MockProvider> = {};
  for (const [id, options] of Object.entries(setup.mocks))
    mocks[id] = await startMockProvider(options);
  for (const key of setup.keys) process.env[key.env] = key.secret;
  const logs: string[] = [];
  const scratch = await startScratchEngine({
    name: 'it',
    files: {
      'config.json': {
        version: 1,
        providers: Object.fromEntries(
          Object.entries(mocks).map(([id, mock]) => [id, { baseUrl: mock.url }]),
        ),
        keys: setup.keys.map((k) => ({
          id: k.id,
          provider: k.provider,
          label: k.id,
          secret: { env: k.env },
          tier: k.tier ?? 'free',
        })),
        routes: setup.routes ?? [],
        ...(setup.rules ? { rules: setup.rules } : {}),
        ...(setup.settings ? { settings: setup.settings } : {}),
      },
    },
    keychain: 'os',
    env: process.env,
    proxyKey: PROXY_KEY,
    log: (line) => logs.push(line),
    ...(setup.clock ? { clock: setup.clock } : {}),
    ...(setup.upstreamTimeouts ? { upstreamTimeouts: setup.upstreamTimeouts } : {}),
    // Discovery's model-list calls would take the faults a test queues for its own requests,
    // so only the tests that ask for discovery get it.
    ...(setup.discoveryIntervalMs
      ? { discoveryIntervalMs: setup.discoveryIntervalMs }
      : { listModels: async () => undefined }),
  });
  const handle: TestEngine = {
    get engine() {
      return scratch.engine;
    },
    mocks,
    logs,
    adminFetch: scratch.adminFetch,
    restart: scratch.restart,
    close: async () => {
      await scratch.close();
      await Promise.all(Object.values(mocks).map((m) => m.close()));
      for (const key of setup.keys) delete process.env[key.env];
    },
  };
  return handle;
}
