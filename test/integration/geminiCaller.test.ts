/**
 * Gemini's native API inbound (`/v1beta/models/{model}:generateContent` and friends) against
 * routes whose upstream speaks OpenAI, Anthropic and Gemini: text, streams, a tool round trip,
 * token counts, the model list, errors in Google's envelope, and the engine's behaviours
 * (failover, the request log) for a Gemini caller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_KEY, startTestEngine, type TestEngine } from './harness.ts';
import { keysFor, mocksFor } from './testConfig.ts';

const KEYS = keysFor('gemcaller', [
  ['o', 'openai'],
  ['a', 'anthropic'],
  ['g', 'gemini'],
]);
const TARGETS = {
  openai: { provider: 'openai', model: 'gpt-4o-mini' },
  anthropic: { provider: 'anthropic', model: 'claude-haiku-4-5' },
  gemini: { provider: 'gemini', model: 'gemini-2.5-flash' },
} as const;
const FORMATS = ['openai', 'anthropic', 'gemini'] as const;

let t: TestEngine;

beforeAll(async () => {
  t = await startTestEngine({
    mocks: mocksFor(['openai', 'anthropic', 'gemini']),
    keys: KEYS,
    routes: [
      ...FORMATS.map((f) => ({ name: `via-${f}`, targets: [TARGETS[f]] })),
      { name: 'chain', targets: [TARGETS.openai, TARGETS.anthropic] },
      { name: 'hedged', latencyBudgetMs: 300, targets: [TARGETS.gemini, TARGETS.anthropic] },
      { name: 'private', privacy: 'sensitive', targets: [TARGETS.gemini, TARGETS.anthropic] },
    ],
  });
});
afterAll(async () => {
  await t?.close();
});

const headers = { 'x-goog-api-key': PROXY_KEY, 'content-type': 'application/json' };
const call = (path: string, body: unknown, extra: Record<string, string> = headers) =>
  fetch(`${t.engine.url}/v1beta/${path}`, {
    method: 'POST',
    headers: extra,
    body: JSON.stringify(body),
  });

type GeminiAnswer = {
  candidates: Array<{
    content?: { role: string; parts: Array<Record<string, unknown>> };
    finishReason?: string;
  }>;
  usageMetadata?: { promptTokenCount: number; candidatesTokenCount: number };
};

/** The text of a streamed answer: every chunk's first candidate's text parts, in order. */
function textOf(chunks: GeminiAnswer[]): string {
  return chunks
    .flatMap((c) => c.candidates[0]?.content?.parts ?? [])
    .map((p) => p.text ?? '')
    .join('');
}

function sseChunks(text: string): GeminiAnswer[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => JSON.parse(block.slice(6)) as GeminiAnswer);
}

const SHELL_TOOL = {
  functionDeclarations: [
    {
      name: 'run_shell_command',
      description: 'Runs a shell command',
      parametersJsonSchema: {
        type: 'object',
        properties: { command: { type: 'string' } },
        required: ['command'],
      },
    },
  ],
};

describe.each(FORMATS)('a Gemini caller, upstream %s', (format) => {
  const model = `via-${format}`;

  it('generateContent answers in Gemini shape with usage', async () => {
    const res = await call(`models/${model}:generateContent`, {
      systemInstruction: { parts: [{ text: 'be brief' }] },
      contents: [{ role: 'user', parts: [{ text: 'hello gemini caller' }] }],
      generationConfig: { temperature: 0.2, maxOutputTokens: 200 },
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as GeminiAnswer;
    const text = body.candidates[0]!.content!.parts.map((p) => p.text).join('');
    expect(text).toContain('hello gemini caller');
    expect(body.candidates[0]!.finishReason).toBe('STOP');
    expect(body.usageMetadata!.promptTokenCount).toBeGreaterThan(0);
  });

  it('streamGenerateContent?alt=sse streams text and ends with a finish reason', async () => {
    const res = await call(`models/${model}:streamGenerateContent?alt=sse`, {
      contents: [{ role: 'user', parts: [{ text: 'stream these words please' }] }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const chunks = sseChunks(await res.text());
    const text = textOf(chunks);
    expect(text).toContain('stream these words please');
    expect(chunks.at(-1)!.candidates[0]!.finishReason).toBe('STOP');
    expect(chunks.at(-1)!.usageMetadata).toBeDefined();
  });

  it('streamGenerateContent without alt streams one JSON array, as Google does by default', async () => {
    const res = await call(`models/${model}:streamGenerateContent`, {
      contents: [{ role: 'user', parts: [{ text: 'array of chunks please' }] }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const chunks = (await res.json()) as GeminiAnswer[];
    expect(chunks.length).toBeGreaterThan(1);
    const text = textOf(chunks);
    expect(text).toContain('array of chunks please');
    expect(chunks.at(-1)!.candidates[0]!.finishReason).toBe('STOP');
  });

  it('a function call round trip: the call comes back with an id, its response goes up', async () => {
    const first = await call(`models/${model}:streamGenerateContent?alt=sse`, {
      contents: [{ role: 'user', parts: [{ text: 'use the tool run_shell_command' }] }],
      tools: [SHELL_TOOL],
    });
    const parts = sseChunks(await first.text()).flatMap(
      (c) => c.candidates[0]?.content?.parts ?? [],
    );
    const callPart = parts.find((p) => p.functionCall !== undefined) as
      { functionCall: { name: string; id?: string; args: Record<string, unknown> } } | undefined;
    expect(callPart?.functionCall.name).toBe('run_shell_command');
    const before = t.mocks[format]!.requests.length;
    const second = await call(`models/${model}:generateContent`, {
      contents: [
        { role: 'user', parts: [{ text: 'use the tool run_shell_command' }] },
        { role: 'model', parts: [callPart] },
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                name: 'run_shell_command',
                ...(callPart!.functionCall.id !== undefined
                  ? { id: callPart!.functionCall.id }
                  : {}),
                response: { output: 'tool said 42' },
              },
            },
          ],
        },
      ],
      tools: [SHELL_TOOL],
    });
    expect(second.status).toBe(200);
    const upstream = t.mocks[format]!.requests[before]!;
    expect(JSON.stringify(upstream.body)).toContain('tool said 42');
    if (format !== 'gemini') expect(JSON.stringify(upstream.body)).not.toContain('safetySettings');
  });

  it('countTokens answers totalTokens without a chat request upstream', async () => {
    const before = t.mocks[format]!.requests.filter((r) =>
      /generateContent|messages$|completions$/.test(r.path),
    ).length;
    const res = await call(`models/${model}:countTokens`, {
      contents: [{ role: 'user', parts: [{ text: 'count these few words' }] }],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { totalTokens: number };
    expect(body.totalTokens).toBeGreaterThan(0);
    // A Gemini target counts with its own countTokens; the others are estimated here.
    expect(res.headers.get('x-switchyard-token-count')).toBe(
      format === 'gemini' ? 'provider' : 'estimate',
    );
    const after = t.mocks[format]!.requests.filter((r) =>
      /generateContent|messages$|completions$/.test(r.path),
    ).length;
    expect(after).toBe(before);
  });
});

describe('the Gemini surface', () => {
  it('GET /v1beta/models lists routes as Gemini model objects', async () => {
    const res = await fetch(`${t.engine.url}/v1beta/models?key=${PROXY_KEY}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { models: Array<{ name: string }> };
    expect(body.models.map((m) => m.name)).toContain('models/via-gemini');
    const one = await fetch(`${t.engine.url}/v1beta/models/via-openai`, { headers });
    expect(await one.json()).toMatchObject({ name: 'models/via-openai' });
    const none = await fetch(`${t.engine.url}/v1beta/models/nothing-here`, { headers });
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ error: { status: 'NOT_FOUND' } });
  });

  it('takes the key as ?key= and refuses a wrong one in Google’s envelope', async () => {
    const ok = await call(
      `models/via-openai:generateContent?key=${PROXY_KEY}`,
      { contents: [{ parts: [{ text: 'hi' }] }] },
      { 'content-type': 'application/json' },
    );
    expect(ok.status).toBe(200);
    const bad = await call(
      'models/via-openai:generateContent?key=wrong',
      { contents: [{ parts: [{ text: 'hi' }] }] },
      { 'content-type': 'application/json' },
    );
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
    expect(t.logs.join('\n')).not.toContain(PROXY_KEY);
  });

  it('an unknown model is NOT_FOUND, a bad body INVALID_ARGUMENT', async () => {
    const missing = await call('models/no-such-route:generateContent', {
      contents: [{ parts: [{ text: 'hi' }] }],
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
    const bad = await call('models/via-openai:generateContent', { contents: [] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
  });

  it('a 429 on the first target fails over; the request log keeps the Gemini caller', async () => {
    t.mocks.openai!.queueFaults({ kind: 'rate-limit', retryAfterMs: 1000 });
    const res = await call('models/chain:generateContent', {
      contents: [{ parts: [{ text: 'fail over for gemini' }] }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-provider')).toBe('anthropic');
    const id = res.headers.get('x-switchyard-request-id')!;
    const detail = (await (await t.adminFetch(`/admin/requests/${id}`)).json()) as {
      request: { inboundFormat: string; kind: string };
      attempts: Array<{ provider: string; status: number }>;
    };
    expect(detail.request).toMatchObject({ inboundFormat: 'gemini', kind: 'generate' });
    expect(detail.attempts.map((a) => [a.provider, a.status])).toEqual([
      ['openai', 429],
      ['anthropic', 200],
    ]);
  });

  it('a latency budget overtakes a stalled first target for a Gemini caller', async () => {
    t.mocks.gemini!.queueFaults({ kind: 'stall-before-headers' });
    const res = await call('models/hedged:generateContent', {
      contents: [{ parts: [{ text: 'race for gemini' }] }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-provider')).toBe('anthropic');
    const body = (await res.json()) as GeminiAnswer;
    expect(JSON.stringify(body.candidates[0]!.content)).toContain('race for gemini');
    const id = res.headers.get('x-switchyard-request-id')!;
    const detail = (await (await t.adminFetch(`/admin/requests/${id}`)).json()) as {
      attempts: Array<{ provider: string; outcome: string; hedged: boolean }>;
    };
    expect(detail.attempts.map((a) => [a.provider, a.outcome, a.hedged])).toEqual([
      ['gemini', 'lost-race', false],
      ['anthropic', 'ok', true],
    ]);
  });

  it('a sensitive route skips a target that trains on free inputs, even a Gemini one', async () => {
    const before = t.mocks.gemini!.requests.length;
    const res = await call('models/private:generateContent', {
      contents: [{ parts: [{ text: 'keep this private' }] }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-provider')).toBe('anthropic');
    expect(t.mocks.gemini!.requests.length).toBe(before);
  });

  it('a failure after the first byte ends the stream with an error chunk in Google’s envelope', async () => {
    t.mocks.anthropic!.queueFaults({ kind: 'reset-after-headers', afterEvents: 3 });
    const res = await call('models/via-anthropic:streamGenerateContent?alt=sse', {
      contents: [{ parts: [{ text: 'one two three four five six seven' }] }],
    });
    expect(res.status).toBe(200);
    const chunks = sseChunks(await res.text()) as Array<GeminiAnswer & { error?: unknown }>;
    expect(chunks.at(-1)!.error).toMatchObject({
      status: expect.any(String),
      code: expect.any(Number),
    });
  });

  it('…and a JSON-array stream ends with the error as its last element, still valid JSON', async () => {
    for (const provider of ['anthropic', 'gemini'] as const) {
      t.mocks[provider]!.queueFaults({ kind: 'reset-after-headers', afterEvents: 3 });
      const res = await call(`models/via-${provider}:streamGenerateContent`, {
        contents: [{ parts: [{ text: 'one two three four five six seven' }] }],
      });
      expect(res.status).toBe(200);
      const chunks = (await res.json()) as Array<GeminiAnswer & { error?: unknown }>;
      expect(chunks.at(-1)!.error).toMatchObject({ code: expect.any(Number) });
    }
  });
});
