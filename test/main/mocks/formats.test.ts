import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider } from '../../mocks/mockProvider.ts';
import type { MockProvider } from '../../mocks/types.ts';
import { parseSse, payloads, postJson } from './sseHelpers.ts';

const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' } },
      required: ['city'],
    },
  },
};
const TIME_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_time',
    parameters: { type: 'object', properties: { zone: { type: 'string' } } },
  },
};

const TRIP_SCHEMA = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    days: { type: 'integer' },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['city', 'days', 'tags'],
  additionalProperties: false,
};
const TRIP_SAMPLE = { city: 'mock', days: 1, tags: ['mock'] };

describe('openai format, driven by the official openai SDK', () => {
  let mock: MockProvider;
  let client: OpenAI;
  beforeAll(async () => {
    mock = await startMockProvider({ format: 'openai', keys: ['sk-test-aaaa1111'] });
    client = new OpenAI({ apiKey: 'sk-test-aaaa1111', baseURL: mock.url, maxRetries: 0 });
  });
  afterAll(() => mock.close());

  it('answers a chat completion that echoes the last user message, with usage', async () => {
    const done = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello there' },
      ],
    });
    expect(done.choices[0]?.message.content).toBe('echo: hello there');
    expect(done.choices[0]?.finish_reason).toBe('stop');
    expect(done.usage).toEqual({ prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 });
    expect(mock.requests.at(-1)).toMatchObject({
      model: 'gpt-4o-mini',
      stream: false,
      status: 200,
    });
  });

  it('streams content and, when asked, a final usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'stream me some words please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: unknown;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('echo: stream me some words please');
    expect(chunks).toBeGreaterThan(5);
    expect(usage).toMatchObject({ completion_tokens: 9 });
  });

  it('makes parallel tool calls when the message names two tools, streamed in fragments', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'call get_weather and get_time' }],
      tools: [WEATHER_TOOL, TIME_TOOL],
      stream: true,
    });
    const calls: Array<{ name: string; args: string }> = [];
    let fragments = 0;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      finish = choice?.finish_reason ?? finish;
      for (const call of choice?.delta.tool_calls ?? []) {
        const slot = (calls[call.index] ??= { name: '', args: '' });
        slot.name += call.function?.name ?? '';
        if (call.function?.arguments) {
          slot.args += call.function.arguments;
          fragments += 1;
        }
      }
    }
    expect(finish).toBe('tool_calls');
    expect(calls.map((c) => c.name)).toEqual(['get_weather', 'get_time']);
    expect(JSON.parse(calls[0]?.args ?? '')).toEqual({ city: 'mock', days: 1 });
    expect(fragments).toBeGreaterThan(2);
  });

  it('answers a tool result with text instead of calling the tool again', async () => {
    const done = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'use get_weather' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
    });
    expect(done.choices[0]?.message.content).toBe('echo: tool result sunny');
  });

  it('serves embeddings (base64, as the SDK asks by default), legacy completions and models', async () => {
    const embedded = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['a', 'b', 'a'],
    });
    expect(embedded.data).toHaveLength(3);
    expect(embedded.data[0]?.embedding).toHaveLength(8);
    expect(embedded.data[2]?.embedding).toEqual(embedded.data[0]?.embedding);
    expect(embedded.data[1]?.embedding).not.toEqual(embedded.data[0]?.embedding);
    expect((mock.requests.at(-1)?.body as { encoding_format?: string }).encoding_format).toBe(
      'base64',
    );

    const completion = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'once upon',
    });
    expect(completion.choices[0]?.text).toBe('echo: once upon');

    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['mock-model']);
  });

  it('answers JSON matching a json_schema response_format', async () => {
    const done = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'plan a trip' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'trip', schema: TRIP_SCHEMA, strict: true },
      },
    });
    expect(JSON.parse(done.choices[0]?.message.content ?? '')).toEqual(TRIP_SAMPLE);
  });

  it('cuts text at max_tokens with finish_reason length', async () => {
    const done = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      max_tokens: 2,
      messages: [{ role: 'user', content: 'a rather long question to answer' }],
    });
    expect(done.choices[0]?.message.content).toBe('echo: a ');
    expect(done.choices[0]?.finish_reason).toBe('length');
  });
});

describe('anthropic format, driven by the official Anthropic SDK', () => {
  let mock: MockProvider;
  let client: Anthropic;
  beforeAll(async () => {
    mock = await startMockProvider({ format: 'anthropic', keys: ['sk-ant-test-bbbb2222'] });
    client = new Anthropic({ apiKey: 'sk-ant-test-bbbb2222', baseURL: mock.url, maxRetries: 0 });
  });
  afterAll(() => mock.close());

  it('answers a message with usage in Anthropic’s shape', async () => {
    const message = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      system: 'terse',
      messages: [{ role: 'user', content: 'bonjour' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'echo: bonjour' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    // This SDK version sends the key as a Bearer token; the mock takes either header.
    expect(mock.requests.at(-1)?.headers.authorization).toBe('[key:key1]');
  });

  it('answers JSON matching output_config.format, or the beta output_format', async () => {
    const message = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'plan a trip' }],
      output_config: { format: { type: 'json_schema', schema: TRIP_SCHEMA } },
    });
    const block = message.content[0];
    expect(JSON.parse(block?.type === 'text' ? block.text : '')).toEqual(TRIP_SAMPLE);
    const beta = await postJson(
      `${mock.url}/v1/messages`,
      {
        model: 'claude-haiku-4-5',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'plan a trip' }],
        output_format: { type: 'json_schema', schema: TRIP_SCHEMA },
      },
      { 'x-api-key': 'sk-ant-test-bbbb2222', 'anthropic-version': '2023-06-01' },
    );
    const json = (await beta.json()) as { content: Array<{ text: string }> };
    expect(JSON.parse(json.content[0]?.text ?? '')).toEqual(TRIP_SAMPLE);
  });

  it('streams every event type and a tool call whose input arrives in several json deltas', async () => {
    const stream = client.messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      tools: [
        {
          name: 'get_weather',
          input_schema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      messages: [{ role: 'user', content: 'please use get_weather' }],
    });
    const seen = new Set<string>();
    let jsonDeltas = 0;
    stream.on('streamEvent', (event) => {
      seen.add(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta')
        jsonDeltas += 1;
    });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toEqual([
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_/),
        name: 'get_weather',
        input: { city: 'mock' },
      },
    ]);
    expect(jsonDeltas).toBeGreaterThan(2);
    for (const type of [
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]) {
      expect(seen).toContain(type);
    }
  });

  it('sends named events in order, ping included, and no [DONE]', async () => {
    const response = await postJson(
      `${mock.url}/v1/messages`,
      { model: 'm', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] },
      { 'x-api-key': 'sk-ant-test-bbbb2222', 'anthropic-version': '2023-06-01' },
    );
    const { events } = parseSse(await response.text());
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
  });

  it('refuses a request without anthropic-version, as the API does', async () => {
    const response = await postJson(
      `${mock.url}/v1/messages`,
      { model: 'm', max_tokens: 5, messages: [] },
      { 'x-api-key': 'sk-ant-test-bbbb2222' },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
    });
  });
});

describe('gemini format', () => {
  let mock: MockProvider;
  const headers = { 'x-goog-api-key': 'AIza-test-cccc3333' };
  const body = {
    systemInstruction: { parts: [{ text: 'short answers' }] },
    contents: [{ role: 'user', parts: [{ text: 'ciao mondo' }] }],
  };
  beforeAll(async () => {
    mock = await startMockProvider({ format: 'gemini', keys: ['AIza-test-cccc3333'] });
  });
  afterAll(() => mock.close());

  it('answers generateContent with candidates and usageMetadata', async () => {
    const response = await postJson(
      `${mock.url}/v1beta/models/gemini-2.5-flash:generateContent`,
      body,
      headers,
    );
    expect(response.status).toBe(200);
    const json = (await response.json()) as {
      candidates: Array<{ content: { parts: Array<{ text: string }> }; finishReason: string }>;
      usageMetadata: { candidatesTokenCount: number };
    };
    expect(json.candidates[0]?.content.parts[0]?.text).toBe('echo: ciao mondo');
    expect(json.candidates[0]?.finishReason).toBe('STOP');
    expect(json.usageMetadata.candidatesTokenCount).toBe(4);
    expect(mock.requests.at(-1)?.model).toBe('gemini-2.5-flash');
  });

  it.each(['responseJsonSchema', 'responseSchema'])(
    'answers JSON matching generationConfig.%s',
    async (field) => {
      const schema =
        field === 'responseSchema'
          ? {
              type: 'OBJECT',
              properties: {
                city: { type: 'STRING' },
                days: { type: 'INTEGER' },
                tags: { type: 'ARRAY', items: { type: 'STRING' } },
              },
            }
          : TRIP_SCHEMA;
      const response = await postJson(
        `${mock.url}/v1beta/models/gemini-2.5-flash:generateContent`,
        { ...body, generationConfig: { responseMimeType: 'application/json', [field]: schema } },
        headers,
      );
      const json = (await response.json()) as {
        candidates: Array<{ content: { parts: Array<{ text: string }> } }>;
      };
      expect(JSON.parse(json.candidates[0]?.content.parts[0]?.text ?? '')).toEqual(TRIP_SAMPLE);
    },
  );

  it('streams streamGenerateContent?alt=sse as data-only events with the finish in the last', async () => {
    const response = await postJson(
      `${mock.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
      body,
      headers,
    );
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const raw = await response.text();
    expect(parseSse(raw).events.every((e) => e.event === undefined)).toBe(true);
    const chunks = payloads(raw) as Array<{
      candidates: Array<{ content: { parts: Array<{ text?: string }> }; finishReason?: string }>;
    }>;
    expect(chunks.map((c) => c.candidates[0]?.content.parts[0]?.text).join('')).toBe(
      'echo: ciao mondo',
    );
    expect(chunks.at(-1)?.candidates[0]?.finishReason).toBe('STOP');
    expect(chunks.slice(0, -1).every((c) => c.candidates[0]?.finishReason === undefined)).toBe(
      true,
    );
  });

  it('streams a JSON array without alt=sse', async () => {
    const response = await postJson(
      `${mock.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent`,
      body,
      headers,
    );
    const parsed = JSON.parse(await response.text()) as unknown[];
    expect(parsed.length).toBe(3);
  });

  it('answers with parallel functionCall parts when tools are named', async () => {
    const response = await postJson(
      `${mock.url}/v1beta/models/gemini-2.5-flash:generateContent?key=AIza-test-cccc3333`,
      {
        contents: [{ role: 'user', parts: [{ text: 'call lookup and translate' }] }],
        tools: [
          {
            functionDeclarations: [
              {
                name: 'lookup',
                parameters: { type: 'object', properties: { q: { type: 'string' } } },
              },
              { name: 'translate' },
            ],
          },
        ],
      },
    );
    const json = (await response.json()) as {
      candidates: Array<{ content: { parts: unknown[] } }>;
    };
    expect(json.candidates[0]?.content.parts).toEqual([
      { functionCall: { name: 'lookup', args: { q: 'mock' } } },
      { functionCall: { name: 'translate', args: {} } },
    ]);
    expect(mock.requests.at(-1)?.path).toContain('key=[key:key1]');
  });

  it('embeds a batch with batchEmbedContents', async () => {
    const response = await postJson(
      `${mock.url}/v1beta/models/gemini-embedding-001:batchEmbedContents`,
      {
        requests: [
          { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'x' }] } },
          { content: { parts: [{ text: 'y' }] } },
        ],
      },
      headers,
    );
    const json = (await response.json()) as { embeddings: Array<{ values: number[] }> };
    expect(json.embeddings).toHaveLength(2);
    expect(json.embeddings[0]?.values).toHaveLength(8);
  });

  it('answers a wrong key with 400 API_KEY_INVALID and a missing one with 403, as Gemini does', async () => {
    const wrong = await postJson(
      `${mock.url}/v1beta/models/gemini-2.5-flash:generateContent`,
      body,
      { 'x-goog-api-key': 'AIza-wrong-9999' },
    );
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(await wrong.json())).toContain('API_KEY_INVALID');
    const missing = await postJson(
      `${mock.url}/v1beta/models/gemini-2.5-flash:generateContent`,
      body,
    );
    expect(missing.status).toBe(403);
  });
});

describe('key handling', () => {
  it('refuses other keys in the provider’s shape and logs only labels and last four', async () => {
    const mock = await startMockProvider({
      format: 'openai',
      keys: [{ key: 'sk-secret-pool-one-1234', label: 'pool-a' }, 'sk-secret-pool-two-5678'],
    });
    try {
      const ok1 = await postJson(
        `${mock.url}/chat/completions`,
        { model: 'm', messages: [{ role: 'user', content: 'x' }] },
        { authorization: 'Bearer sk-secret-pool-one-1234' },
      );
      const ok2 = await postJson(
        `${mock.url}/chat/completions`,
        { model: 'm', messages: [{ role: 'user', content: 'x' }] },
        { authorization: 'Bearer sk-secret-pool-two-5678' },
      );
      const bad = await postJson(
        `${mock.url}/chat/completions`,
        { model: 'm', messages: [{ role: 'user', content: 'x' }] },
        { authorization: 'Bearer sk-wrong-key-0000' },
      );
      expect([ok1.status, ok2.status, bad.status]).toEqual([200, 200, 401]);
      expect(await bad.json()).toMatchObject({
        error: { type: 'invalid_request_error', code: 'invalid_api_key' },
      });
      expect(mock.requests.map((r) => r.key)).toEqual([
        { label: 'pool-a', last4: '1234' },
        { label: 'key2', last4: '5678' },
        { label: 'unknown', last4: '0000' },
      ]);
      const log = JSON.stringify(mock.requests);
      expect(log).not.toContain('sk-secret');
      expect(log).not.toContain('sk-wrong');
      expect(mock.requests[0]?.headers.authorization).toBe('[key:pool-a]');
    } finally {
      await mock.close();
    }
  });
});
