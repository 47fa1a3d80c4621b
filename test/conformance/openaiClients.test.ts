/**
 * The clients that speak OpenAI's formats, pinned in test/conformance/package.json, against
 * `switchyard serve` and a mock upstream in each format: the AI SDK's `openai(model)` (the
 * Responses API, its default) and `openai.chat(model)`, LangChain's ChatOpenAI with and without
 * `useResponsesApi`, and the openai SDK's `responses.create` / `responses.stream`. They ask for
 * the route "quick" by name.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { generateObject, type LanguageModel } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  startConformanceEngine,
  UPSTREAM_FORMATS,
  type ConformanceEngine,
  type UpstreamFormat,
} from './engine.ts';
import { aiSdkTextCases, sentSince, WEATHER_PROMPT, weatherSchema } from './aiSdkCases.ts';

const ROUTE = 'quick';
const WEATHER_PARAMETERS = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
};

/**
 * Structured output reaches an Anthropic-format upstream as a system instruction
 * (anthropicTarget.ts), which the mock does not follow: there the test checks the schema got there.
 */
function expectTrip(
  format: UpstreamFormat,
  engine: ConformanceEngine,
  before: number,
  text: () => unknown,
): void {
  if (format === 'anthropic') {
    const sent = sentSince(engine, before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/city[\s\S]*days/);
  } else expect(text()).toEqual({ city: 'mock', days: 1 });
}

describe.each(UPSTREAM_FORMATS)('OpenAI-format clients through a %s-format upstream', (format) => {
  let engine: (ConformanceEngine & { group: string }) | undefined;
  const up = (): ConformanceEngine => {
    if (engine === undefined) throw new Error('no engine');
    return engine;
  };
  const baseURL = () => `${up().anthropicBaseUrl}/v1`;

  // One engine per client: the catalog's Gemini free tier allows 10 requests a minute.
  beforeEach(async (context) => {
    const group = context.task.suite?.name ?? '';
    if (engine?.group !== group) {
      await engine?.stop();
      engine = Object.assign(await startConformanceEngine(format), { group });
    }
  });
  afterAll(async () => {
    await engine?.stop();
  });

  describe.each([
    ['openai(model), the Responses API', false],
    ['openai.chat(model)', true],
  ] as const)('AI SDK %s', (_name, chat) => {
    const model = (): LanguageModel => {
      const provider = createOpenAI({ baseURL: baseURL(), apiKey: up().proxyKey });
      return chat ? provider.chat(ROUTE) : provider(ROUTE);
    };

    aiSdkTextCases(model, up);

    it('generateObject', async () => {
      const before = up().chatRequests().length;
      const result = generateObject({
        model: model(),
        schema: z.object({ city: z.string(), days: z.number() }),
        prompt: 'Plan a trip.',
        maxRetries: 0,
      });
      const object = await result.then((r) => r.object).catch(() => undefined);
      expectTrip(format, up(), before, () => object);
    });
  });

  describe.each([
    ['ChatOpenAI', false],
    ['ChatOpenAI with useResponsesApi', true],
  ] as const)('LangChain %s', (_name, useResponsesApi) => {
    const chat = () =>
      new ChatOpenAI({
        model: ROUTE,
        apiKey: up().proxyKey,
        configuration: { baseURL: baseURL() },
        maxRetries: 0,
        useResponsesApi,
      });

    it('invoke', async () => {
      const answer = await chat().invoke('hello langchain');
      expect(answer.text).toBe('echo: hello langchain');
      expect(answer.usage_metadata?.input_tokens).toBeGreaterThan(0);
    });

    it('stream', async () => {
      const parts: string[] = [];
      for await (const chunk of await chat().stream('stream for langchain')) {
        if (chunk.text !== '') parts.push(chunk.text);
      }
      expect(parts.length).toBeGreaterThan(1);
      expect(parts.join('')).toBe('echo: stream for langchain');
    });

    it('bindTools: a tool call, then the answer to its result', async () => {
      const before = up().chatRequests().length;
      const withTools = chat().bindTools([
        { name: 'weather', description: 'The weather in a city', schema: weatherSchema },
      ]);
      const question = new HumanMessage(WEATHER_PROMPT);
      const call = await withTools.invoke([question]);
      expect(call.tool_calls).toMatchObject([{ name: 'weather', args: { city: 'mock' } }]);
      const id = call.tool_calls?.[0]?.id ?? '';
      const answer = await withTools.invoke([
        question,
        call,
        new ToolMessage({ content: 'sunny in Paris', tool_call_id: id }),
      ]);
      expect(answer.tool_calls ?? []).toEqual([]);
      expect(answer.text).toMatch(/^echo: /);
      expect(sentSince(up(), before)[1]).toContain('sunny in Paris');
      expect(call).toBeInstanceOf(AIMessage);
    });
  });

  describe('openai SDK responses', () => {
    const client = () => new OpenAI({ baseURL: baseURL(), apiKey: up().proxyKey, maxRetries: 0 });

    it('responses.create, whole', async () => {
      const response = await client().responses.create({ model: ROUTE, input: 'hello sdk' });
      expect(response.output_text).toBe('echo: hello sdk');
      expect(response.status).toBe('completed');
      expect(response.usage?.input_tokens).toBeGreaterThan(0);
    });

    it('responses.create with stream: true', async () => {
      const stream = await client().responses.create({
        model: ROUTE,
        input: 'stream from sdk',
        stream: true,
      });
      const deltas: string[] = [];
      let sequence = -1;
      let completed = false;
      for await (const event of stream) {
        expect(event.sequence_number).toBe(sequence + 1);
        sequence = event.sequence_number;
        if (event.type === 'response.output_text.delta') deltas.push(event.delta);
        if (event.type === 'response.completed') completed = true;
      }
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join('')).toBe('echo: stream from sdk');
      expect(completed).toBe(true);
    });

    it('responses.stream: a function tool round trip', async () => {
      const before = up().chatRequests().length;
      const tools = [
        {
          type: 'function' as const,
          name: 'weather',
          description: 'The weather in a city',
          parameters: WEATHER_PARAMETERS,
          strict: true,
        },
      ];
      const first = await client()
        .responses.stream({ model: ROUTE, input: WEATHER_PROMPT, tools })
        .finalResponse();
      const call = first.output.find((item) => item.type === 'function_call');
      expect(call).toMatchObject({ name: 'weather' });
      if (call?.type !== 'function_call') throw new Error('no function call');
      expect(JSON.parse(call.arguments)).toEqual({ city: 'mock' });
      const second = await client()
        .responses.stream({
          model: ROUTE,
          tools,
          input: [
            { role: 'user', content: WEATHER_PROMPT },
            call,
            { type: 'function_call_output', call_id: call.call_id, output: 'sunny in Paris' },
          ],
        })
        .finalResponse();
      expect(second.output_text).toMatch(/^echo: /);
      expect(sentSince(up(), before)[1]).toContain('sunny in Paris');
    });

    it('structured output: text.format json_schema', async () => {
      const before = up().chatRequests().length;
      const response = await client().responses.create({
        model: ROUTE,
        input: 'Plan a trip.',
        text: {
          format: {
            type: 'json_schema',
            name: 'trip',
            strict: true,
            schema: {
              type: 'object',
              properties: { city: { type: 'string' }, days: { type: 'number' } },
              required: ['city', 'days'],
              additionalProperties: false,
            },
          },
        },
      });
      expectTrip(format, up(), before, () => JSON.parse(response.output_text) as unknown);
    });

    it('an error before the first byte is the SDK typed error', async () => {
      await expect(
        client().responses.create({ model: ROUTE, input: 'x', max_output_tokens: -1 }),
      ).rejects.toMatchObject({ status: 400, type: 'invalid_request_error' });
    });
  });
});
