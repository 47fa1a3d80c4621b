import { describe, expect, it } from 'vitest';
import { keyEnvOf } from '../../../app/catalog/keyEnv.ts';
import { loadShippedCatalog } from '../../../main/engine/providerDirectory.ts';
import { DEFAULT_CATALOG_PATH } from '../../../main/proxy/proxyService.ts';

describe('keyEnvOf', () => {
  it('maps each variable of the shipped catalog to its provider, free only with a free tier', () => {
    expect(keyEnvOf(loadShippedCatalog(DEFAULT_CATALOG_PATH))).toEqual({
      OPENAI_API_KEY: { provider: 'openai', tier: 'paid' },
      ANTHROPIC_API_KEY: { provider: 'anthropic', tier: 'paid' },
      GEMINI_API_KEY: { provider: 'gemini', tier: 'free' },
      GOOGLE_API_KEY: { provider: 'gemini', tier: 'free' },
      MISTRAL_API_KEY: { provider: 'mistral', tier: 'free' },
      DEEPSEEK_API_KEY: { provider: 'deepseek', tier: 'paid' },
      DASHSCOPE_API_KEY: { provider: 'dashscope', tier: 'paid' },
      GROQ_API_KEY: { provider: 'groq', tier: 'free' },
      CEREBRAS_API_KEY: { provider: 'cerebras', tier: 'free' },
      OPENROUTER_API_KEY: { provider: 'openrouter', tier: 'free' },
      TOGETHER_API_KEY: { provider: 'together', tier: 'paid' },
      FIREWORKS_API_KEY: { provider: 'fireworks', tier: 'paid' },
      XAI_API_KEY: { provider: 'xai', tier: 'paid' },
      GITHUB_TOKEN: { provider: 'github-models', tier: 'free' },
      CLOUDFLARE_API_TOKEN: { provider: 'cloudflare', tier: 'free' },
      VLLM_API_KEY: { provider: 'vllm', tier: 'free' },
    });
  });
});
