import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './harness.ts';
import { CHAINS, keysFor, mocksFor, route } from './testConfig.ts';

const KEYS = keysFor('routing', [
  ['openai-paid', 'openai', 'paid'],
  ['gemini-free', 'gemini'],
  ['cerebras-free', 'cerebras'],
  ['mistral-free', 'mistral'],
  ['groq-paid', 'groq', 'paid'],
]);

let t: TestEngine;
let openai: OpenAI;
const ask = (model: string, content = 'hello') =>
  openai.chat.completions.create({ model, messages: [{ role: 'user', content }] }).withResponse();

beforeAll(async () => {
  t = await startTestEngine({
    mocks: {
      ...mocksFor(['gemini', 'mistral', 'ollama', 'groq']),
      // Says how many requests per minute are left in OpenAI's headers: the limiter stops before a 429.
      openai: { format: 'openai', dialect: 'openai', limits: { rpm: 3 } },
      // Says how many requests per day are left: the count must survive a restart.
      cerebras: { format: 'openai', dialect: 'cerebras', limits: { rpd: 2 } },
    },
    keys: KEYS,
    routes: [
      route('capacity', ['openai/gpt-4o-mini', 'mistral/mistral-small-latest']),
      CHAINS.private,
      route('daily', ['cerebras/gpt-oss-120b', 'mistral/mistral-small-latest']),
      route('budget', ['groq/llama-3.3-70b-versatile', 'ollama/llama3.2'], {
        paidBudgetUsdPerDay: 0.0000001,
      }),
    ],
  });
  openai = t.openai();
});
afterAll(async () => {
  await t?.close();
});

describe('routing decisions, end to end', () => {
  it('the SDK sees no 429 while the chain has capacity, and the limited provider never sends one', async () => {
    const providers: string[] = [];
    for (let i = 0; i < 8; i++)
      providers.push((await ask('capacity')).response.headers.get('x-switchyard-provider')!);
    expect(providers.slice(0, 3)).toEqual(['openai', 'openai', 'openai']);
    expect(providers.slice(3)).toEqual(Array(5).fill('mistral'));
    expect(t.mocks.openai!.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(t.mocks.openai!.requests).toHaveLength(3);
  });

  it('a sensitive route never reaches a provider that trains on free-tier inputs', async () => {
    for (let i = 0; i < 3; i++) {
      const { response } = await ask('private', 'my customer list');
      expect(response.headers.get('x-switchyard-provider')).toBe('ollama');
    }
    expect(t.mocks.gemini!.requests).toHaveLength(0);
  });

  it('a sensitive route with nothing allowed answers 403 and says which policy excluded what', async () => {
    const res = await t.adminFetch('/admin/routes', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        ...t.engine.config.current.routes,
        {
          name: 'private-only',
          privacy: 'sensitive',
          targets: [{ provider: 'gemini', model: 'gemini-2.5-flash' }],
        },
      ]),
    });
    expect(res.status).toBe(200);
    await expect(ask('private-only')).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(/trainsOnFreeInputs/),
    });
    expect(t.mocks.gemini!.requests).toHaveLength(0);
  });

  it('a paid target is skipped once the route’s paid budget for today is spent', async () => {
    const first = await ask('budget');
    expect(first.response.headers.get('x-switchyard-provider')).toBe('groq');
    const second = await ask('budget');
    expect(second.response.headers.get('x-switchyard-provider')).toBe('ollama');
    expect(t.mocks.groq!.requests).toHaveLength(1);
  });

  it('a daily quota spent before a restart stays spent after it', async () => {
    expect((await ask('daily')).response.headers.get('x-switchyard-provider')).toBe('cerebras');
    expect((await ask('daily')).response.headers.get('x-switchyard-provider')).toBe('cerebras');
    const before = t.mocks.cerebras!.requests.length;
    await t.restart();
    openai = t.openai();
    const { response } = await ask('daily');
    expect(response.headers.get('x-switchyard-provider')).toBe('mistral');
    expect(t.mocks.cerebras!.requests.length).toBe(before);
    const quota = (await (await t.adminFetch('/admin/quota')).json()) as {
      pools: Array<{
        provider: string;
        windows: Array<{ window: string; remaining: number; source: string }>;
      }>;
    };
    const cerebras = quota.pools.find((p) => p.provider === 'cerebras')!;
    expect(cerebras.windows.find((w) => w.window === 'rpd')).toMatchObject({ remaining: 0 });
  });

  it('pausing routing answers 503 in the caller’s format until resumed', async () => {
    const pause = (paused: boolean) =>
      t.adminFetch('/admin/pause', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ paused }),
      });
    expect((await pause(true)).status).toBe(200);
    await expect(ask('private')).rejects.toMatchObject({
      status: 503,
      message: expect.stringMatching(/paused/),
    });
    expect((await pause(false)).status).toBe(200);
    expect((await ask('private')).response.status).toBe(200);
  });
});
