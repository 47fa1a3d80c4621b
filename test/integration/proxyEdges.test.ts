import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROXY_AUTH, PROXY_KEY, startTestEngine, type TestEngine } from './harness.ts';
import { CHAINS, keysFor, mocksFor, route } from './testConfig.ts';

const KEYS = keysFor('edge', [
  ['openai-main', 'openai'],
  ['anthropic-main', 'anthropic'],
  ['groq-main', 'groq'],
]);

let t: TestEngine;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  t = await startTestEngine({
    mocks: mocksFor(['openai', 'anthropic', 'groq']),
    keys: KEYS,
    routes: [
      CHAINS.chain,
      route('solo', ['openai/gpt-4o-mini']),
      route('groq-first', ['groq/llama-3.1-8b-instant', 'openai/gpt-4o-mini']),
    ],
    settings: { maxBodyBytes: 64 * 1024 },
    upstreamTimeouts: { headersMs: 1500, idleMs: 1000 },
  });
  openai = t.openai();
  anthropic = t.anthropic();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  for (const mock of Object.values(t.mocks)) mock.setBehavior({ faults: undefined, latencyMs: 0 });
  // Each test starts with every target ready: earlier tests' 429s must not leave them cooling.
  for (const key of KEYS) t.engine.state.limiter.clearKey(key.provider, key.id);
});

/** Both error envelopes, as far as these tests read them. */
type ErrorEnvelope = { type?: string; error: { type?: string; code?: string; message: string } };

async function post(
  path: string,
  body: string | Buffer,
  headers: Record<string, string> = PROXY_AUTH,
) {
  const res = await request(`${t.engine.url}${path}`, { method: 'POST', headers, body });
  return { status: res.statusCode, body: (await res.body.json()) as ErrorEnvelope };
}

describe('bad input is answered at once, in the caller’s own format', () => {
  it('malformed JSON: OpenAI envelope on /v1/chat/completions', async () => {
    const { status, body } = await post('/v1/chat/completions', '{"model": "solo", ');
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_body' });
    expect(body.error.message).toMatch(/not valid JSON/);
  });

  it('malformed JSON: Anthropic envelope on /v1/messages', async () => {
    const { status, body } = await post('/v1/messages', '{"model": ');
    expect(status).toBe(400);
    expect(body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('wrong types name the field', async () => {
    const { status, body } = await post(
      '/v1/chat/completions',
      JSON.stringify({ model: 'solo', messages: 'hello' }),
    );
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/messages/);
    const sdk = openai.chat.completions.create({
      model: 'solo',
      messages: [{ role: 'user', content: 'x' }],
      temperature: 'hot' as unknown as number,
    });
    await expect(sdk).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/temperature/),
    });
  });

  it('a Messages request without max_tokens is refused by the Anthropic SDK’s own rules', async () => {
    const { status, body } = await post(
      '/v1/messages',
      JSON.stringify({ model: 'solo', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/max_tokens/);
  });

  it('an unknown model is a 404 that says what to send', async () => {
    await expect(
      openai.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 404,
      message: expect.stringMatching(/Unknown model "nope".*route name.*provider\/model/),
    });
    await expect(
      anthropic.messages.create({
        model: 'nope',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('an oversized body is a 413 naming the limit and the setting', async () => {
    const big = JSON.stringify({
      model: 'solo',
      messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }],
    });
    const { status, body } = await post('/v1/chat/completions', big);
    expect(status).toBe(413);
    expect(body.error.message).toMatch(/settings\.maxBodyBytes/);
  });

  it('invalid UTF-8 is a 400', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"model":"solo","messages":[{"role":"user","content":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}]}'),
    ]);
    const { status, body } = await post('/v1/chat/completions', bytes);
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/UTF-8/);
  });

  it('a JSON array or scalar body is a 400', async () => {
    expect((await post('/v1/chat/completions', '[1,2]')).status).toBe(400);
    expect((await post('/v1/chat/completions', '42')).status).toBe(400);
  });

  it('GET on a POST endpoint is a 405; an unknown path a 404', async () => {
    const res = await request(`${t.engine.url}/v1/chat/completions`, { headers: PROXY_AUTH });
    expect(res.statusCode).toBe(405);
    await res.body.dump();
    const unknown = await request(`${t.engine.url}/v1/assistants`, { headers: PROXY_AUTH });
    expect(unknown.statusCode).toBe(404);
    await unknown.body.dump();
  });
});

describe('edges of the local server', () => {
  it('needs the proxy key, as Bearer or x-api-key', async () => {
    const body = JSON.stringify({ model: 'solo', messages: [{ role: 'user', content: 'hi' }] });
    expect(
      (await post('/v1/chat/completions', body, { 'content-type': 'application/json' })).status,
    ).toBe(401);
    expect(
      (
        await post('/v1/chat/completions', body, {
          'content-type': 'application/json',
          authorization: 'Bearer wrong',
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await post('/v1/chat/completions', body, {
          'content-type': 'application/json',
          'x-api-key': PROXY_KEY,
        })
      ).status,
    ).toBe(200);
  });

  it('refuses a foreign Origin and a DNS-rebinding Host', async () => {
    const body = JSON.stringify({ model: 'solo', messages: [{ role: 'user', content: 'hi' }] });
    const foreign = await post('/v1/chat/completions', body, {
      ...PROXY_AUTH,
      origin: 'https://evil.example',
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('origin_not_allowed');
    const rebound = await post('/v1/chat/completions', body, {
      ...PROXY_AUTH,
      host: 'evil.example:4141',
    });
    expect(rebound.status).toBe(403);
    expect(rebound.body.error.code).toBe('host_not_allowed');
  });
});

describe('failures before the first byte move on; the caller’s own mistakes do not', () => {
  it('a 529 overloaded, a 500, and a reset before headers all fall over', async () => {
    t.mocks.openai!.queueFaults(
      { kind: 'server-error', status: 500 },
      { kind: 'reset-before-headers' },
    );
    for (let i = 0; i < 2; i++) {
      const { response } = await openai.chat.completions
        .create({ model: 'chain', messages: [{ role: 'user', content: 'x' }] })
        .withResponse();
      expect(response.headers.get('x-switchyard-provider')).toBe('anthropic');
      // The failure cooled OpenAI down; ready it again so the second fault reaches it.
      t.engine.state.limiter.clearKey('openai', 'openai-main');
    }
  });

  it('a stall before headers falls over after the first-byte timeout', async () => {
    t.mocks.openai!.queueFaults({ kind: 'stall-before-headers' });
    const { response } = await openai.chat.completions
      .create({ model: 'chain', messages: [{ role: 'user', content: 'x' }] })
      .withResponse();
    expect(response.headers.get('x-switchyard-provider')).toBe('anthropic');
  });

  it('an error event after a 200 but before any content falls over too', async () => {
    t.mocks.openai!.queueFaults({ kind: 'error-after-200', afterEvents: 0 });
    const stream = await openai.chat.completions.create({
      model: 'chain',
      stream: true,
      messages: [{ role: 'user', content: 'recover' }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toContain('recover');
  });

  it('a 400 from the provider is the caller’s fault: returned at once, the next target untouched', async () => {
    const before = t.mocks.anthropic!.requests.length;
    t.mocks.openai!.queueFaults({ kind: 'context-length' });
    await openai.chat.completions
      .create({ model: 'solo', messages: [{ role: 'user', content: 'x' }] })
      .then(
        () => expect.unreachable(),
        (err: { status: number; message: string }) => {
          expect(err.status).toBe(400);
          expect(err.message).toMatch(/context|maximum/i);
        },
      );
    expect(t.mocks.anthropic!.requests.length).toBe(before);
  });
});

describe('failures after the first byte end the stream with an error the SDK raises', () => {
  const drain = async (model: string) => {
    const stream = await openai.chat.completions.create({
      model,
      stream: true,
      messages: [{ role: 'user', content: 'a long answer with many words in it' }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    return text;
  };

  it('a reset mid-stream', async () => {
    t.mocks.openai!.queueFaults({ kind: 'reset-after-headers', afterEvents: 3 });
    await expect(drain('solo')).rejects.toThrow(/incomplete|ended before|failed/i);
  });

  it('malformed SSE mid-stream', async () => {
    t.mocks.openai!.queueFaults({ kind: 'malformed-sse', afterEvents: 3 });
    await expect(drain('solo')).rejects.toThrow(/malformed/i);
  });

  it('a stall mid-stream, after the idle timeout', async () => {
    t.mocks.openai!.queueFaults({ kind: 'stall-mid-stream', afterEvents: 3 });
    await expect(drain('solo')).rejects.toThrow(/stalled|incomplete/i);
  });

  it('an Anthropic error event mid-stream reaches the Anthropic SDK as an error', async () => {
    t.mocks.anthropic!.queueFaults({ kind: 'error-after-200', afterEvents: 4 });
    const stream = anthropic.messages.stream({
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'some words to stream back' }],
    });
    await expect(stream.finalMessage()).rejects.toThrow();
  });

  it('split frames, CRLF line ends and keep-alive comments still make a whole answer', async () => {
    t.mocks.openai!.queueFaults([
      { kind: 'split-writes', at: 'mid-crlf' },
      { kind: 'crlf' },
      { kind: 'comments' },
    ]);
    expect(await drain('solo')).toContain('a long answer with many words in it');
  });
});

describe('a client that hangs up', () => {
  it('aborts the upstream request at once', async () => {
    t.mocks.openai!.setBehavior({ tokensPerSecond: 20 });
    const controller = new AbortController();
    const before = t.mocks.openai!.requests.length;
    const stream = await openai.chat.completions.create(
      {
        model: 'solo',
        stream: true,
        messages: [{ role: 'user', content: 'one two three four five six seven eight nine ten' }],
      },
      { signal: controller.signal },
    );
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await expect
      .poll(() => t.mocks.openai!.requests[before]?.aborted, { timeout: 2000 })
      .toBe(true);
    expect(t.mocks.openai!.requests[before]!.finished).toBe(false);
    t.mocks.openai!.setBehavior({ tokensPerSecond: undefined });
  });
  it('aborts a whole-answer request at once, before its headers', async () => {
    t.mocks.openai!.queueFaults({ kind: 'stall-before-headers' });
    const before = t.mocks.openai!.requests.length;
    const client = new AbortController();
    const sent = request(`${t.engine.url}/v1/chat/completions`, {
      method: 'POST',
      headers: PROXY_AUTH,
      body: JSON.stringify({ model: 'solo', messages: [{ role: 'user', content: 'bye' }] }),
      signal: client.signal,
    }).catch(() => 'cancelled');
    await t.mocks.openai!.waitForRequests(before + 1);
    client.abort();
    expect(await sent).toBe('cancelled');
    await expect
      .poll(() => t.mocks.openai!.requests[before]?.aborted, { timeout: 2000 })
      .toBe(true);
  });
});
