/**
 * The SDKs people build agents with, pinned in test/conformance/package.json, against
 * `switchyard serve` and a mock upstream in each format: the Anthropic SDK's count_tokens, the
 * AI SDK's Anthropic provider and LangChain's ChatAnthropic. They ask for Claude model names,
 * which the config routes by alias ("main") or as the default route ("quick").
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import Anthropic from '@anthropic-ai/sdk';
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { ChatAnthropic } from '@langchain/anthropic';
import { generateObject, streamObject } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  startConformanceEngine,
  UPSTREAM_FORMATS,
  type ConformanceEngine,
  type UpstreamFormat,
} from './engine.ts';
import { aiSdkTextCases, sentSince, WEATHER_PROMPT, weatherSchema } from './aiSdkCases.ts';

/** The output schema an upstream request carried, where its format puts it. */
function schemaSent(format: UpstreamFormat, body: unknown): unknown {
  const b = body as {
    output_config?: { format?: { schema?: unknown } };
    response_format?: { json_schema?: { schema?: unknown } };
    generationConfig?: { responseMimeType?: string; responseSchema?: unknown };
  };
  if (format === 'anthropic') return b.output_config?.format?.schema;
  if (format === 'openai') return b.response_format?.json_schema?.schema;
  return b.generationConfig?.responseMimeType === 'application/json'
    ? b.generationConfig.responseSchema
    : undefined;
}

describe.each(UPSTREAM_FORMATS)('SDK clients through a %s-format upstream', (format) => {
  let engine: ConformanceEngine;

  beforeAll(async () => {
    engine = await startConformanceEngine(format);
  });
  afterAll(async () => {
    await engine?.stop();
  });

  describe('Anthropic SDK', () => {
    it('count_tokens answers without a chat request upstream', async () => {
      const client = new Anthropic({
        baseURL: engine.anthropicBaseUrl,
        apiKey: engine.proxyKey,
        maxRetries: 0,
      });
      const before = engine.chatRequests().length;
      const count = await client.messages.countTokens({
        model: 'claude-sonnet-4-5',
        system: 'You are terse.',
        messages: [{ role: 'user', content: 'How many tokens is this sentence?' }],
      });
      expect(count.input_tokens).toBeGreaterThan(0);
      expect(engine.chatRequests().length).toBe(before);
    });
  });

  describe('AI SDK (@ai-sdk/anthropic)', () => {
    const model = () =>
      createAnthropic({ baseURL: `${engine.anthropicBaseUrl}/v1`, authToken: engine.proxyKey })(
        'claude-sonnet-4-5',
      );

    aiSdkTextCases(model, () => engine);

    // The AI SDK sends the schema as Anthropic's output_config.format; other formats get it
    // translated, and each mock answers with JSON matching the schema it received (strings
    // "mock", numbers 1), so the object comes back only if the schema reached the upstream.
    it('generateObject', async () => {
      const before = engine.chatRequests().length;
      const result = await generateObject({
        model: model(),
        schema: z.object({ city: z.string(), days: z.number() }),
        prompt: 'Plan a trip.',
        maxRetries: 0,
      });
      expect(result.object).toEqual({ city: 'mock', days: 1 });
      const sent = engine.chatRequests().slice(before);
      expect(sent).toHaveLength(1);
      const upstreamSchema = schemaSent(format, sent[0]?.body);
      expect(upstreamSchema).toMatchObject({ properties: { city: {}, days: {} } });
      expect(upstreamSchema).toHaveProperty('required', ['city', 'days']);
    });

    it('streamObject', async () => {
      const before = engine.chatRequests().length;
      const result = streamObject({
        model: model(),
        schema: z.object({ city: z.string(), days: z.number() }),
        prompt: 'Plan a trip, streamed.',
        maxRetries: 0,
      });
      const partials: unknown[] = [];
      for await (const partial of result.partialObjectStream) partials.push(partial);
      expect(partials.at(-1)).toEqual({ city: 'mock', days: 1 });
      expect(await result.object).toEqual({ city: 'mock', days: 1 });
      const sent = engine.chatRequests().slice(before);
      expect(sent.map((r) => r.stream)).toEqual([true]);
      expect(schemaSent(format, sent[0]?.body)).toBeDefined();
    });
  });

  describe('LangChain ChatAnthropic', () => {
    const chat = () =>
      new ChatAnthropic({
        model: 'claude-3-5-haiku-latest',
        anthropicApiUrl: engine.anthropicBaseUrl,
        apiKey: engine.proxyKey,
        maxRetries: 0,
        maxTokens: 256,
      });

    it('invoke', async () => {
      const answer = await chat().invoke('hello langchain');
      expect(answer.content).toBe('echo: hello langchain');
      expect(answer.usage_metadata?.input_tokens).toBeGreaterThan(0);
    });

    it('stream', async () => {
      const parts: string[] = [];
      for await (const chunk of await chat().stream('stream for langchain')) {
        if (typeof chunk.content === 'string' && chunk.content !== '') parts.push(chunk.content);
      }
      expect(parts.length).toBeGreaterThan(1);
      expect(parts.join('')).toBe('echo: stream for langchain');
    });

    it('bindTools: a tool call, then the answer to its result', async () => {
      const before = engine.chatRequests().length;
      const withTools = chat().bindTools([
        { name: 'weather', description: 'The weather in a city', schema: weatherSchema },
      ]);
      const question = new HumanMessage(WEATHER_PROMPT);
      const call = await withTools.invoke([question]);
      expect(call.tool_calls).toMatchObject([{ name: 'weather', args: { city: 'mock' } }]);
      const id = call.tool_calls?.[0]?.id ?? '';
      const answer = await withTools.invoke([
        question,
        new AIMessage({ content: call.content, tool_calls: call.tool_calls ?? [] }),
        new ToolMessage({ content: 'sunny in Paris', tool_call_id: id }),
      ]);
      expect(answer.tool_calls ?? []).toEqual([]);
      expect(answer.text).toMatch(/^echo: /);
      expect(sentSince(engine, before)[1]).toContain('sunny in Paris');
    });
  });
});
