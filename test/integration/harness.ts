import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { Engine } from '../../main/engine/engine.ts';
import { startScratchEngine } from '../harness/scratchEngine.ts';
import { startMockProvider } from '../mocks/mockProvider.ts';
import type { MockProvider, MockProviderOptions } from '../mocks/types.ts';

export const PROXY_KEY = 'sy-test-proxy-key-0123456789';
/** Headers of a JSON request a client with the proxy key sends. */
export const PROXY_AUTH = {
  authorization: `Bearer ${PROXY_KEY}`,
  'content-type': 'application/json',
};

/** A provider key as tests use it: the secret, and the env var the config points at. */
export type TestKey = {
  id: string;
  provider: string;
  env: string;
  secret: string;
  tier?: 'free' | 'paid';
};

export type TestEngine = {
  engine: Engine;
  mocks: Record<string, MockProvider>;
  logs: string[];
  adminFetch: (path: string, init?: RequestInit) => Promise<Response>;
  /** The openai SDK with the proxy key and no retries (a test sees every answer), at the proxy by default. */
  openai: (baseURL?: string) => OpenAI;
  /** The Anthropic SDK likewise, at the engine's origin by default. */
  anthropic: (baseURL?: string) => Anthropic;
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
    openai: (baseURL = scratch.engine.proxyUrl) =>
      new OpenAI({ baseURL, apiKey: PROXY_KEY, maxRetries: 0 }),
    anthropic: (baseURL = scratch.engine.url) =>
      new Anthropic({ baseURL, apiKey: PROXY_KEY, maxRetries: 0 }),
    restart: scratch.restart,
    close: async () => {
      await scratch.close();
      await Promise.all(Object.values(mocks).map((m) => m.close()));
      for (const key of setup.keys) delete process.env[key.env];
    },
  };
  return handle;
}
