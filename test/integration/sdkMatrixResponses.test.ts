/**
 * The official openai SDK's Responses API (`responses.create`, `responses.stream`) against every
 * upstream format: OpenAI passes it through (its catalog entry has responsesApi), Groq (OpenAI
 * format without it), Anthropic and Gemini get it translated. Streaming and not, a function tool
 * round trip, and structured output.
 */
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './harness.ts';
import { keysFor, mocksFor } from './testConfig.ts';

const KEYS = keysFor('rm', [
  ['openai-main', 'openai'],
  ['groq-main', 'groq'],
  ['anthropic-main', 'anthropic'],
  // Paid: the matrix sends more than the free tier's 10 requests a minute to Gemini.
  ['gemini-main', 'gemini', 'paid'],
]);

const TARGETS = [
  { provider: 'openai', model: 'gpt-4o-mini', path: '/v1/responses' },
  { provider: 'groq', model: 'llama-3.1-8b-instant', path: '/v1/chat/completions' },
  { provider: 'anthropic', model: 'claude-haiku-4-5', path: '/v1/messages' },
  { provider: 'gemini', model: 'gemini-2.5-flash', path: ':generateContent' },
] as const;

const WEATHER_TOOL = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
  strict: true,
};

const TRIP_FORMAT = {
  type: 'json_schema' as const,
  name: 'trip',
  strict: true,
  schema: {
    type: 'object',
    properties: { city: { type: 'string' }, days: { type: 'number' } },
    required: ['city', 'days'],
    additionalProperties: false,
  },
};

let t: TestEngine;
let openai: OpenAI;

beforeAll(async () => {
  t = await startTestEngine({
    mocks: mocksFor(['openai', 'groq', 'anthropic', 'gemini']),
    keys: KEYS,
    routes: TARGETS.map(({ provider, model }) => ({
      name: `via-${provider}`,
      targets: [{ provider, model }],
    })),
  });
  openai = t.openai();
});
afterAll(async () => {
  await t?.close();
});

describe.each(TARGETS)('openai SDK responses → $provider', ({ provider, path }) => {
  const model = `via-${provider}`;
  const last = () => t.mocks[provider]!.requests.at(-1)!;

  it('responses.create, whole', async () => {
    const response = await openai.responses.create({ model, input: 'matrix hello' });
    expect(response.output_text).toContain('matrix hello');
    expect(response.usage?.output_tokens).toBeGreaterThan(0);
    expect(last().path).toContain(path.startsWith(':') ? 'generateContent' : path);
  });

  it('responses.create, streamed', async () => {
    const stream = await openai.responses.create({ model, input: 'matrix stream', stream: true });
    let text = '';
    let completed = false;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response.usage !== null;
    }
    expect(text).toContain('matrix stream');
    expect(completed).toBe(true);
    expect(last().stream).toBe(true);
  });

  it('responses.stream: a function tool round trip', async () => {
    const first = await openai.responses
      .stream({ model, input: 'Use get_weather for Paris.', tools: [WEATHER_TOOL] })
      .finalResponse();
    const call = first.output.find((item) => item.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error('no function call');
    expect(call.name).toBe('get_weather');
    const second = await openai.responses
      .stream({
        model,
        tools: [WEATHER_TOOL],
        input: [
          { role: 'user', content: 'Use get_weather for Paris.' },
          call,
          { type: 'function_call_output', call_id: call.call_id, output: 'sunny in Paris' },
        ],
      })
      .finalResponse();
    expect(second.output.some((item) => item.type === 'function_call')).toBe(false);
    expect(JSON.stringify(last().body)).toContain('sunny in Paris');
  });

  it('structured output: the schema reaches the upstream', async () => {
    const response = await openai.responses.create({
      model,
      input: 'Plan a trip.',
      text: { format: TRIP_FORMAT },
    });
    // Anthropic-format targets get response_format as a system instruction the mock ignores.
    if (provider !== 'anthropic')
      expect(JSON.parse(response.output_text)).toEqual({ city: 'mock', days: 1 });
    expect(JSON.stringify(last().body)).toMatch(/city[\s\S]*days/);
  });
});
