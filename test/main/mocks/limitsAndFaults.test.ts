import { afterEach, describe, expect, it } from 'vitest';
import { startMockProvider } from '../../mocks/mockProvider.ts';
import type { MockProvider, MockProviderOptions } from '../../mocks/types.ts';
import { parseSse, payloads, postJson, readChunks } from './sseHelpers.ts';

const KEY = 'sk-test-limits-4242';
const AUTH = { authorization: `Bearer ${KEY}` };
const CHAT = { model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] };

const open: MockProvider[] = [];
async function start(options: MockProviderOptions): Promise<MockProvider> {
  const mock = await startMockProvider({ keys: [KEY], ...options });
  open.push(mock);
  return mock;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});

const chat = (mock: MockProvider, body: unknown = CHAT) =>
  postJson(`${mock.url}/chat/completions`, body, AUTH);

describe('limits, enforced with the dialect’s headers', () => {
  it('openai: counts down x-ratelimit-remaining-requests, then 429s with retry-after until the window ends', async () => {
    const mock = await start({ format: 'openai', limits: { rpm: 2, tpm: 1000 }, minuteMs: 400 });
    const first = await chat(mock);
    const second = await chat(mock);
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(second.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(second.headers.get('x-ratelimit-remaining-tokens')).toBe(String(1000 - 2 * 3));
    expect(first.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+ms$/);

    const third = await chat(mock);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(await third.json()).toMatchObject({
      error: {
        type: 'requests',
        code: 'rate_limit_exceeded',
        message: expect.stringMatching(/Limit 2, Used 2, Requested 1/),
      },
    });
    await new Promise((r) => setTimeout(r, 450));
    expect((await chat(mock)).status).toBe(200);
  });

  it('groq: the request headers are per day, tokens per minute', async () => {
    const mock = await start({ format: 'openai', dialect: 'groq', limits: { rpd: 5, tpm: 100 } });
    const response = await chat(mock);
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('5');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('4');
    expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(
      /^23h59m59\.\d+s$|^24h0m0s$/,
    );
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('100');
  });

  it('refuses a request that would exceed tokens per minute', async () => {
    const mock = await start({ format: 'openai', limits: { tpm: 10 } });
    const long = await chat(mock, {
      model: 'm',
      messages: [{ role: 'user', content: 'x'.repeat(40) }],
    });
    expect(long.status).toBe(429);
    expect(await long.json()).toMatchObject({ error: { type: 'tokens' } });
  });

  it('anthropic: anthropic-ratelimit-* with RFC 3339 resets, 429 rate_limit_error', async () => {
    const now = Date.parse('2026-11-25T10:00:00.000Z');
    const mock = await start({ format: 'anthropic', limits: { rpm: 1 }, now: () => now });
    const headers = { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' };
    const body = {
      model: 'claude-haiku-4-5',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    };
    const ok = await postJson(`${mock.url}/v1/messages`, body, headers);
    expect(ok.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    expect(ok.headers.get('anthropic-ratelimit-requests-reset')).toBe('2026-11-25T10:01:00Z');
    const refused = await postJson(`${mock.url}/v1/messages`, body, headers);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await refused.json()).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error' },
    });
  });

  it('gemini: RESOURCE_EXHAUSTED with QuotaFailure PerMinute and RetryInfo, then PerDay', async () => {
    const mock = await start({ format: 'gemini', limits: { rpm: 1, rpd: 2 }, minuteMs: 200 });
    const url = `${mock.url}/v1beta/models/gemini-2.5-flash:generateContent`;
    const body = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
    const headers = { 'x-goog-api-key': KEY };
    expect((await postJson(url, body, headers)).status).toBe(200);
    const perMinute = await postJson(url, body, headers);
    expect(perMinute.status).toBe(429);
    expect(perMinute.headers.get('retry-after')).toBeNull();
    const minuteError = (await perMinute.json()) as {
      error: { status: string; details: Array<Record<string, unknown>> };
    };
    expect(minuteError.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(JSON.stringify(minuteError.error.details)).toContain(
      'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
    );
    expect(minuteError.error.details.find((d) => String(d['@type']).endsWith('RetryInfo'))).toEqual(
      {
        '@type': 'type.googleapis.com/google.rpc.RetryInfo',
        retryDelay: '1s',
      },
    );
    await new Promise((r) => setTimeout(r, 250));
    expect((await postJson(url, body, headers)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 250));
    const perDay = await postJson(url, body, headers);
    expect(JSON.stringify(await perDay.json())).toContain(
      'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
    );
  });

  it('openrouter: free-models-per-day 429 with X-RateLimit-Reset in epoch ms', async () => {
    const now = 1_800_000_000_000;
    const mock = await start({
      format: 'openai',
      dialect: 'openrouter',
      limits: { rpd: 1 },
      dayMs: 86_400_000,
      now: () => now,
    });
    expect((await chat(mock)).status).toBe(200);
    const refused = await chat(mock);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-reset')).toBe(String(now + 86_400_000));
    expect(await refused.json()).toMatchObject({
      error: {
        code: 429,
        message: expect.stringContaining('free-models-per-day'),
        metadata: { limit_source: 'openrouter_free_tier_daily' },
      },
    });
  });

  it('counts each key separately, so a key pool spreads the load', async () => {
    const mock = await startMockProvider({
      format: 'openai',
      keys: ['sk-a-1111', 'sk-b-2222'],
      limits: { rpm: 1 },
    });
    open.push(mock);
    const send = (key: string) =>
      postJson(`${mock.url}/chat/completions`, CHAT, { authorization: `Bearer ${key}` });
    expect([
      (await send('sk-a-1111')).status,
      (await send('sk-b-2222')).status,
      (await send('sk-a-1111')).status,
    ]).toEqual([200, 200, 429]);
  });

  it('limits concurrency while a slow stream is open', async () => {
    const mock = await start({ format: 'openai', limits: { concurrency: 1 }, tokensPerSecond: 20 });
    const slow = chat(mock, {
      ...CHAT,
      stream: true,
      messages: [{ role: 'user', content: 'one two three four five six' }],
    });
    await mock.waitForRequests(1);
    await new Promise((r) => setTimeout(r, 30));
    const second = await chat(mock);
    expect(second.status).toBe(429);
    await (await slow).text();
    expect((await chat(mock)).status).toBe(200);
  });

  it('answers a prompt above the context window in the provider’s words', async () => {
    const mock = await start({ format: 'openai', contextWindow: 5 });
    const response = await chat(mock, {
      model: 'm',
      messages: [{ role: 'user', content: 'y'.repeat(100) }],
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: {
        code: 'context_length_exceeded',
        message: expect.stringContaining("This model's maximum context length is 5 tokens"),
      },
    });
  });
});

describe('faults', () => {
  it('queued faults apply to the next requests in order: 500, 429, then a normal answer', async () => {
    const mock = await start({ format: 'openai' });
    mock.queueFaults({ kind: 'server-error' }, { kind: 'rate-limit', retryAfterMs: 3000 });
    const statuses = [
      (await chat(mock)).status,
      (await chat(mock)).status,
      (await chat(mock)).status,
    ];
    expect(statuses).toEqual([500, 429, 200]);
    expect(mock.requests.map((r) => r.faults)).toEqual([['server-error'], ['rate-limit'], []]);
  });

  it('502 comes back as the CDN’s HTML page, 529 as Anthropic’s overloaded_error', async () => {
    const openai = await start({
      format: 'openai',
      faults: () => ({ kind: 'server-error', status: 502 }),
    });
    const bad = await chat(openai);
    expect(bad.status).toBe(502);
    expect(bad.headers.get('content-type')).toContain('text/html');
    const anthropic = await start({ format: 'anthropic', faults: () => ({ kind: 'overloaded' }) });
    const overloaded = await postJson(
      `${anthropic.url}/v1/messages`,
      { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
      { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' },
    );
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toMatchObject({ error: { type: 'overloaded_error' } });
  });

  it('insufficient_quota is a 429 with OpenAI’s own code', async () => {
    const mock = await start({ format: 'openai' });
    mock.queueFaults({ kind: 'insufficient-quota' });
    const response = await chat(mock);
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({
      error: { type: 'insufficient_quota', code: 'insufficient_quota' },
    });
  });

  it('anthropic: an error event after HTTP 200', async () => {
    const mock = await start({ format: 'anthropic' });
    mock.queueFaults({ kind: 'error-after-200', afterEvents: 3 });
    const response = await postJson(
      `${mock.url}/v1/messages`,
      {
        model: 'm',
        max_tokens: 50,
        stream: true,
        messages: [{ role: 'user', content: 'hello world' }],
      },
      { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' },
    );
    expect(response.status).toBe(200);
    const events = parseSse(await response.text()).events;
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'error',
    ]);
    expect(JSON.parse(events[3]?.data ?? '')).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
  });

  it('openrouter: finish_reason "error" mid-stream', async () => {
    const mock = await start({ format: 'openai', dialect: 'openrouter' });
    mock.queueFaults({ kind: 'error-after-200', afterEvents: 2 });
    const text = await (await chat(mock, { ...CHAT, stream: true })).text();
    expect(parseSse(text).comments).toContain('OPENROUTER PROCESSING');
    const last = payloads(text).at(-1) as {
      choices: Array<{ finish_reason: string }>;
      error: unknown;
    };
    expect(last.choices[0]?.finish_reason).toBe('error');
    expect(last.error).toBeDefined();
  });

  it('reset before headers makes the client’s fetch fail, and the log says so', async () => {
    const mock = await start({ format: 'openai' });
    mock.queueFaults({ kind: 'reset-before-headers' });
    await expect(chat(mock)).rejects.toThrow();
    expect(mock.requests[0]?.aborted).toBe(true);
    expect(mock.requests[0]?.finished).toBe(false);
  });

  it('reset after headers breaks the body mid-stream', async () => {
    const mock = await start({ format: 'openai' });
    mock.queueFaults({ kind: 'reset-after-headers', afterEvents: 2 });
    const response = await chat(mock, { ...CHAT, stream: true });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('CRLF line ends split between CR and LF, comments in between: the text still reassembles', async () => {
    const mock = await start({ format: 'openai' });
    mock.queueFaults([{ kind: 'split-writes', at: 'mid-crlf' }, { kind: 'comments' }]);
    const response = await chat(mock, {
      ...CHAT,
      stream: true,
      messages: [{ role: 'user', content: 'split me' }],
    });
    const chunks = await readChunks(response);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toContain('\r\n\r\n');
    expect(text).not.toMatch(/[^\r]\n/);
    expect(chunks.some((c) => c[c.length - 1] === 0x0d)).toBe(true);
    const { comments } = parseSse(text);
    expect(comments).toContain('keep-alive');
    const content = (payloads(text) as Array<{ choices: Array<{ delta: { content?: string } }> }>)
      .map((p) => p.choices[0]?.delta.content ?? '')
      .join('');
    expect(content).toBe('echo: split me');
  });

  it('byte-sized writes cut multi-byte characters across TCP segments', async () => {
    const mock = await start({ format: 'openai', reply: 'héllo wörld ✓' });
    mock.queueFaults({ kind: 'split-writes', at: 'bytes', everyBytes: 5 });
    const chunks = await readChunks(await chat(mock, { ...CHAT, stream: true }));
    expect(chunks.length).toBeGreaterThan(20);
    const text = Buffer.concat(chunks).toString('utf8');
    const content = (payloads(text) as Array<{ choices: Array<{ delta: { content?: string } }> }>)
      .map((p) => p.choices[0]?.delta.content ?? '')
      .join('');
    expect(content).toBe('héllo wörld ✓');
  });

  it('a malformed event sits among well-formed ones', async () => {
    const mock = await start({ format: 'openai' });
    mock.queueFaults({ kind: 'malformed-sse', afterEvents: 1 });
    const { events } = parseSse(await (await chat(mock, { ...CHAT, stream: true })).text());
    const broken = events.filter((e) => {
      if (e.data === '[DONE]') return false;
      try {
        JSON.parse(e.data);
        return false;
      } catch {
        return true;
      }
    });
    expect(broken).toHaveLength(1);
    expect(events.at(-1)?.data).toBe('[DONE]');
  });

  it('a stall before headers lasts until the client gives up; close() still returns promptly', async () => {
    const mock = await start({ format: 'openai' });
    mock.queueFaults({ kind: 'stall-before-headers' });
    await expect(
      fetch(`${mock.url}/chat/completions`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify(CHAT),
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 20));
    expect(mock.requests[0]?.aborted).toBe(true);

    mock.queueFaults({ kind: 'stall-mid-stream', afterEvents: 2 });
    const stalled = await chat(mock, { ...CHAT, stream: true });
    const reading = stalled.text().catch((e: unknown) => e);
    const started = Date.now();
    await mock.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await reading).toBeInstanceOf(Error);
  });

  it('latency delays every answer, refusals included', async () => {
    const mock = await start({ format: 'openai', latencyMs: 80 });
    mock.queueFaults({ kind: 'rate-limit' });
    const started = Date.now();
    expect((await chat(mock)).status).toBe(429);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('fault rates are reproducible for a seed', async () => {
    const run = async () => {
      const mock = await start({ format: 'openai', seed: 7, faultRates: { 'server-error': 0.5 } });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await chat(mock)).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it('mistral refuses stream_options with 422, as the real API does', async () => {
    const mock = await start({ format: 'openai', dialect: 'mistral' });
    const response = await chat(mock, {
      ...CHAT,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.status).toBe(422);
    expect(JSON.stringify(await response.json())).toContain('extra_forbidden');
  });
});
