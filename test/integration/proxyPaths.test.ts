/**
 * Base URLs without `/v1` (tools that take a host and add the path themselves) and the answer
 * to an endpoint Switchyard does not serve: a 404 that lists what it does serve, in the envelope
 * the caller's SDK reads.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_KEY, startTestEngine, type TestEngine } from './harness.ts';
import { keysFor, mocksFor, route } from './testConfig.ts';

const KEYS = keysFor('paths', [
  ['o', 'openai'],
  ['a', 'anthropic'],
]);

let t: TestEngine;

beforeAll(async () => {
  t = await startTestEngine({
    mocks: mocksFor(['openai', 'anthropic']),
    keys: KEYS,
    routes: [route('gpt', ['openai/gpt-4o-mini']), route('claude', ['anthropic/claude-haiku-4-5'])],
  });
});
afterAll(async () => {
  await t?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string>) =>
  fetch(`${t.engine.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const bearer = { authorization: `Bearer ${PROXY_KEY}` };

describe('paths without /v1', () => {
  it('the OpenAI SDK with the bare host as its base URL: chat, embeddings-free models list', async () => {
    const openai = t.openai(t.engine.url);
    const answer = await openai.chat.completions.create({
      model: 'gpt',
      messages: [{ role: 'user', content: 'bare path' }],
    });
    expect(answer.choices[0]!.message.content).toContain('bare path');
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt');
  });

  it('/messages and /messages/count_tokens answer as their /v1 twins', async () => {
    const body = { model: 'claude', max_tokens: 50, messages: [{ role: 'user', content: 'hey' }] };
    const res = await post('/messages', body, {
      'x-api-key': PROXY_KEY,
      'anthropic-version': '2023-06-01',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ type: 'message' });
    const count = await post('/messages/count_tokens', body, { 'x-api-key': PROXY_KEY });
    expect(count.status).toBe(200);
    expect(await count.json()).toMatchObject({ input_tokens: expect.any(Number) });
  });

  it('a bare path still needs the proxy key', async () => {
    const res = await post('/chat/completions', { model: 'gpt', messages: [] }, {});
    expect(res.status).toBe(401);
  });

  it('the dashboard keeps /', async () => {
    const res = await fetch(`${t.engine.url}/`);
    expect(res.status).not.toBe(401);
  });
});

describe('an unknown endpoint', () => {
  const listsEverything = (message: string) => {
    for (const path of [
      '/v1/chat/completions',
      '/v1/messages',
      '/v1/messages/count_tokens',
      '/v1/embeddings',
      '/v1/models',
      ':generateContent',
      ':streamGenerateContent',
      ':countTokens',
    ])
      expect(message).toContain(path);
  };

  it('answers an OpenAI caller in OpenAI’s envelope, listing every endpoint', async () => {
    const res = await post('/v1/assistants', {}, bearer);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe('unknown_url');
    listsEverything(body.error.message);
  });

  it('answers an Anthropic caller (anthropic-version, x-api-key) in Anthropic’s envelope', async () => {
    const anthropic = t.anthropic(`${t.engine.url}/nowhere`);
    const failed = await anthropic.messages
      .create({ model: 'claude', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(Anthropic.NotFoundError);
    const res = await post(
      '/v2/messages',
      {},
      { 'x-api-key': PROXY_KEY, 'anthropic-version': '2023-06-01' },
    );
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    listsEverything(body.error.message);
  });

  it('answers a Gemini caller under /v1beta in Google’s envelope', async () => {
    const res = await post('/v1beta/models/gpt:embedContent', {}, { 'x-goog-api-key': PROXY_KEY });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: number; status: string; message: string } };
    expect(body.error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    listsEverything(body.error.message);
  });

  it('a POST outside /v1 is a 404 with the list, not the dashboard’s 405', async () => {
    const res = await post('/api/chat', {}, bearer);
    expect(res.status).toBe(404);
    listsEverything(((await res.json()) as { error: { message: string } }).error.message);
  });
});
