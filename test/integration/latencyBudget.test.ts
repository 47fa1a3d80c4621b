import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_KEY, startTestEngine, type TestEngine } from './harness.ts';

const KEYS = [
  { id: 'groq-main', provider: 'groq', env: 'SY_HEDGE_GROQ_KEY', secret: 'gsk_hedge_secret_1111' },
  {
    id: 'cerebras-main',
    provider: 'cerebras',
    env: 'SY_HEDGE_CEREBRAS_KEY',
    secret: 'csk-hedge-secret-2222',
  },
];

let t: TestEngine;
let openai: OpenAI;

beforeAll(async () => {
  t = await startTestEngine({
    mocks: {
      groq: { format: 'openai', dialect: 'groq' },
      cerebras: { format: 'openai', dialect: 'cerebras' },
    },
    keys: KEYS,
    routes: [
      {
        name: 'fast',
        latencyBudgetMs: 300,
        targets: [
          { provider: 'groq', model: 'llama-3.1-8b-instant' },
          { provider: 'cerebras', model: 'llama3.1-8b' },
        ],
      },
    ],
  });
  openai = new OpenAI({ baseURL: t.engine.proxyUrl, apiKey: PROXY_KEY, maxRetries: 0 });
});
afterAll(async () => {
  await t?.close();
});

describe('latency budget', () => {
  it('overtakes a stalled first target within the budget and aborts its request', async () => {
    const groqBefore = t.mocks.groq!.requests.length;
    t.mocks.groq!.queueFaults({ kind: 'stall-before-headers' });
    const started = Date.now();
    const { data, response } = await openai.chat.completions
      .create({ model: 'fast', messages: [{ role: 'user', content: 'race me' }] })
      .withResponse();
    const elapsed = Date.now() - started;
    expect(data.choices[0]!.message.content).toContain('race me');
    expect(response.headers.get('x-switchyard-provider')).toBe('cerebras');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(elapsed).toBeGreaterThanOrEqual(300);
    await expect
      .poll(() => t.mocks.groq!.requests[groqBefore]?.aborted, { timeout: 2000 })
      .toBe(true);
  });

  it('a slow first token is overtaken too when streaming, and the winner streams to the end', async () => {
    t.mocks.groq!.setBehavior({ latencyMs: 2000 });
    const stream = await openai.chat.completions.create({
      model: 'fast',
      stream: true,
      messages: [{ role: 'user', content: 'stream the race' }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toContain('stream the race');
    t.mocks.groq!.setBehavior({ latencyMs: 0 });
  });

  it('does not start a second target when the first answers within the budget', async () => {
    const cerebrasBefore = t.mocks.cerebras!.requests.length;
    const { response } = await openai.chat.completions
      .create({ model: 'fast', messages: [{ role: 'user', content: 'quick one' }] })
      .withResponse();
    expect(response.headers.get('x-switchyard-provider')).toBe('groq');
    expect(response.headers.get('x-switchyard-attempts')).toBe('1');
    expect(t.mocks.cerebras!.requests.length).toBe(cerebrasBefore);
  });
});
