import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../app/config/schema.ts';
import { createKeyValidator } from '../../../main/engine/keyValidator.ts';
import { DEFAULT_CATALOG_PATH } from '../../../main/proxy/proxyService.ts';
import { loadShippedCatalog, ProviderDirectory } from '../../../main/engine/providerDirectory.ts';
import { UpstreamClient } from '../../../main/upstream/client.ts';
import { startMockProvider } from '../../mocks/mockProvider.ts';
import type { MockProvider } from '../../mocks/types.ts';

const GOOD = 'gsk_validator_good_key_0001';
const GEMINI_GOOD = 'AIza-validator-good-key-0002';
let groq: MockProvider;
let gemini: MockProvider;
let upstream: UpstreamClient;
let validate: ReturnType<typeof createKeyValidator>;

beforeAll(async () => {
  groq = await startMockProvider({
    format: 'openai',
    dialect: 'groq',
    keys: [GOOD],
    models: ['llama-3.1-8b-instant'],
  });
  gemini = await startMockProvider({ format: 'gemini', keys: [GEMINI_GOOD] });
  const config = defaultConfig();
  config.providers = {
    groq: { baseUrl: groq.url },
    gemini: { baseUrl: gemini.url },
    // Nothing listens on port 9 (discard) on loopback: a refused connection.
    cerebras: { baseUrl: 'http://127.0.0.1:9/v1' },
  };
  upstream = new UpstreamClient({ connectMs: 2000 });
  validate = createKeyValidator(
    new ProviderDirectory(loadShippedCatalog(DEFAULT_CATALOG_PATH), config),
    upstream,
  );
});
afterAll(async () => {
  await upstream.close();
  await groq.close();
  await gemini.close();
});

describe('the key validator (a models call to the provider)', () => {
  it('accepts a working key and says how many models the provider lists', async () => {
    const result = await validate('groq', GOOD);
    expect(result).toMatchObject({
      outcome: 'ok',
      message: 'Groq accepted the key and lists 1 model.',
    });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(groq.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/models' });
  });

  it('calls a refused key invalid, including Gemini’s 400 API_KEY_INVALID', async () => {
    const groqBad = await validate('groq', 'gsk_wrong_key_9999');
    expect(groqBad.outcome).toBe('invalid');
    expect(groqBad.message).toMatch(/^Groq refused the key \(HTTP 401\)/);
    const geminiBad = await validate('gemini', 'AIza-wrong-key-8888');
    expect(geminiBad.outcome).toBe('invalid');
    expect(await validate('gemini', GEMINI_GOOD)).toMatchObject({ outcome: 'ok' });
  });

  it('says a provider could not be reached rather than calling the key bad', async () => {
    const result = await validate('cerebras', 'csk-any-7777');
    expect(result.outcome).toBe('unreachable');
    expect(result.message).toMatch(/could not be reached.*The key was not checked\./);
  });

  it('never puts the secret in its message', async () => {
    for (const [provider, secret] of [
      ['groq', 'gsk_wrong_key_9999'],
      ['gemini', 'AIza-wrong-key-8888'],
      ['cerebras', 'csk-any-7777'],
      ['nope', 'x-secret-6666'],
    ] as const) {
      const result = await validate(provider, secret);
      expect(result.message).not.toContain(secret);
    }
    expect((await validate('nope', 'x')).message).toBe('No provider "nope" in the catalog.');
  });
});
