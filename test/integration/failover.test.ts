import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_KEY, startTestEngine, type TestEngine } from './harness.ts';

// Rate limits teach the limiter (a 429's headers say "none left until T"), so these tests run
// on their own engine, in order: the last one leaves every target limited.
const KEYS = [
  {
    id: 'openai-main',
    provider: 'openai',
    env: 'SY_FAILOVER_OPENAI_KEY',
    secret: 'sk-failover-openai-1111',
  },
  {
    id: 'anthropic-main',
    provider: 'anthropic',
    env: 'SY_FAILOVER_ANTHROPIC_KEY',
    secret: 'sk-ant-failover-2222',
  },
];

let t: TestEngine;
let openai: OpenAI;
const auth = { authorization: `Bearer ${PROXY_KEY}`, 'content-type': 'application/json' };

beforeAll(async () => {
  t = await startTestEngine({
    mocks: { openai: { format: 'openai' }, anthropic: { format: 'anthropic' } },
    keys: KEYS,
    routes: [
      {
        name: 'chain',
        targets: [
          { provider: 'openai', model: 'gpt-4o-mini' },
          { provider: 'anthropic', model: 'claude-haiku-4-5' },
        ],
      },
    ],
  });
  openai = new OpenAI({ baseURL: t.engine.proxyUrl, apiKey: PROXY_KEY, maxRetries: 0 });
});
afterAll(async () => {
  await t?.close();
});

describe('rate limits across a chain', () => {
  it('a 429 on the first target falls over to the next; the client sees one answer', async () => {
    t.mocks.openai!.queueFaults({ kind: 'rate-limit', retryAfterMs: 2000 });
    const { data, response } = await openai.chat.completions
      .create({ model: 'chain', messages: [{ role: 'user', content: 'failover please' }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toContain('failover please');
    expect(response.headers.get('x-switchyard-provider')).toBe('anthropic');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    // The log keeps both attempts, and until when the 429 cooled OpenAI down (what the provider asked).
    const id = response.headers.get('x-switchyard-request-id')!;
    const detail = (await (await t.adminFetch(`/admin/requests/${id}`)).json()) as {
      attempts: Array<{
        provider: string;
        status: number;
        outcome: string;
        failureClass: string | null;
        holdUntil: number | null;
      }>;
    };
    expect(detail.attempts.map((a) => [a.provider, a.status, a.outcome])).toEqual([
      ['openai', 429, 'failed'],
      ['anthropic', 200, 'ok'],
    ]);
    expect(detail.attempts[0]!.failureClass).toBe('transient');
    expect(detail.attempts[0]!.holdUntil! - Date.now()).toBeGreaterThan(1000);
    expect(detail.attempts[0]!.holdUntil! - Date.now()).toBeLessThanOrEqual(2000);
  });

  it('when every target is limited the client gets a 429 with retry-after and every reason', async () => {
    t.mocks.openai!.queueFaults({ kind: 'rate-limit', retryAfterMs: 3000 });
    t.mocks.anthropic!.queueFaults({ kind: 'rate-limit', retryAfterMs: 5000 });
    const res = await request(`${t.engine.url}/v1/chat/completions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ model: 'chain', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const body = (await res.body.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe('all_targets_limited');
    expect(body.error.message).toMatch(/openai/i);
    expect(body.error.message).toMatch(/anthropic/i);
    expect(body.error.message).not.toMatch(/\.\./);
  });

  it('the limiter then keeps requests away from the limited targets instead of hitting them again', async () => {
    const before = t.mocks.openai!.requests.length + t.mocks.anthropic!.requests.length;
    const res = await request(`${t.engine.url}/v1/chat/completions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ model: 'chain', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.statusCode).toBe(429);
    await res.body.dump();
    expect(t.mocks.openai!.requests.length + t.mocks.anthropic!.requests.length).toBe(before);
  });
});
