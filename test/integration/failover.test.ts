import type OpenAI from 'openai';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROXY_AUTH, startTestEngine, type TestEngine } from './harness.ts';
import { CHAINS, keysFor, mocksFor } from './testConfig.ts';

// Rate limits and failures teach the limiter, so every test starts its own engine: none depends
// on what another left behind, and they may run in any order.
const KEYS = keysFor('failover', [
  ['openai-main', 'openai'],
  ['anthropic-main', 'anthropic'],
]);

let t: TestEngine;
let openai: OpenAI;

beforeEach(async () => {
  t = await startTestEngine({
    mocks: mocksFor(['openai', 'anthropic']),
    keys: KEYS,
    routes: [CHAINS.chain],
  });
  openai = t.openai();
});
afterEach(async () => {
  await t?.close();
});

type Detail = {
  request: { status: number; failureClass: string | null; error: string | null };
  attempts: Array<{
    provider: string;
    status: number;
    outcome: string;
    failureClass: string | null;
    startedAt: number;
    totalMs: number | null;
    holdUntil: number | null;
  }>;
};

const post = (body: unknown) =>
  request(`${t.engine.url}/v1/chat/completions`, {
    method: 'POST',
    headers: PROXY_AUTH,
    body: JSON.stringify(body),
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
    // The log keeps both attempts, and until when the 429 cooled OpenAI down (what the provider
    // asked, counted from when its answer came).
    const id = response.headers.get('x-switchyard-request-id')!;
    const detail = (await (await t.adminFetch(`/admin/requests/${id}`)).json()) as Detail;
    expect(detail.attempts.map((a) => [a.provider, a.status, a.outcome])).toEqual([
      ['openai', 429, 'failed'],
      ['anthropic', 200, 'ok'],
    ]);
    const first = detail.attempts[0]!;
    expect(first.failureClass).toBe('transient');
    expect(first.holdUntil! - first.startedAt).toBeGreaterThanOrEqual(2000);
    expect(first.holdUntil! - first.startedAt).toBeLessThanOrEqual(2000 + first.totalMs!);
  });

  it('when every target is limited the client gets a 429 with retry-after and every reason', async () => {
    t.mocks.openai!.queueFaults({ kind: 'rate-limit', retryAfterMs: 3000 });
    t.mocks.anthropic!.queueFaults({ kind: 'rate-limit', retryAfterMs: 5000 });
    const res = await post({ model: 'chain', messages: [{ role: 'user', content: 'x' }] });
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const body = (await res.body.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe('all_targets_limited');
    expect(body.error.message).toMatch(/openai/i);
    expect(body.error.message).toMatch(/anthropic/i);
    expect(body.error.message).not.toMatch(/\.\./);
  });

  it('the limiter then keeps requests away from the limited targets instead of hitting them again', async () => {
    t.mocks.openai!.queueFaults({ kind: 'rate-limit', retryAfterMs: 30_000 });
    t.mocks.anthropic!.queueFaults({ kind: 'rate-limit', retryAfterMs: 30_000 });
    const limited = await post({ model: 'chain', messages: [{ role: 'user', content: 'x' }] });
    expect(limited.statusCode).toBe(429);
    await limited.body.dump();
    const before = t.mocks.openai!.requests.length + t.mocks.anthropic!.requests.length;
    const res = await post({ model: 'chain', messages: [{ role: 'user', content: 'x' }] });
    expect(res.statusCode).toBe(429);
    await res.body.dump();
    expect(t.mocks.openai!.requests.length + t.mocks.anthropic!.requests.length).toBe(before);
  });
});

describe('what the request log says', () => {
  it('a stream that failed after its first byte is listed under the failed requests', async () => {
    t.mocks.openai!.queueFaults({ kind: 'reset-after-headers', afterEvents: 2 });
    const res = await post({
      model: 'openai/gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'one two three four five six' }],
    });
    expect(res.statusCode).toBe(200);
    const id = res.headers['x-switchyard-request-id'] as string;
    await res.body.text().catch(() => '');
    await expect
      .poll(async () => {
        const page = (await (await t.adminFetch('/admin/requests?status=error')).json()) as {
          items: Array<{ id: string; status: number; failureClass: string | null }>;
        };
        return page.items.find((item) => item.id === id);
      })
      .toMatchObject({ status: 502, failureClass: 'mid-stream' });
  });

  it('a client that cancels before the first byte is logged as cancelled, and nothing cools', async () => {
    t.mocks.openai!.queueFaults({ kind: 'stall-before-headers' });
    const client = new AbortController();
    const sent = request(`${t.engine.url}/v1/chat/completions`, {
      method: 'POST',
      headers: PROXY_AUTH,
      body: JSON.stringify({ model: 'chain', messages: [{ role: 'user', content: 'bye' }] }),
      signal: client.signal,
    }).catch(() => 'cancelled');
    await t.mocks.openai!.waitForRequests(1);
    client.abort();
    expect(await sent).toBe('cancelled');
    await expect
      .poll(async () => {
        const page = (await (await t.adminFetch('/admin/requests?status=499')).json()) as {
          items: Array<{ status: number; failureClass: string | null; error: string | null }>;
        };
        return page.items[0];
      })
      .toMatchObject({ status: 499, failureClass: 'cancelled' });
    expect(t.mocks.anthropic!.requests).toHaveLength(0);
    const res = await post({ model: 'chain', messages: [{ role: 'user', content: 'again' }] });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-switchyard-provider']).toBe('openai');
    await res.body.dump();
  });
});
