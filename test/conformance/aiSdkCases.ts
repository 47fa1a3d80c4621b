/**
 * What the conformance suites ask of every AI SDK provider package (@ai-sdk/openai's two models,
 * @ai-sdk/anthropic) through `switchyard serve`: a text answer, a stream, and a tool round trip.
 */
import { generateText, stepCountIs, streamText, tool, type LanguageModel } from 'ai';
import { expect, it } from 'vitest';
import { z } from 'zod';
import type { ConformanceEngine } from './engine.ts';

export const WEATHER_PROMPT = 'Use the weather tool for Paris.';
export const weatherSchema = z.object({ city: z.string() });

/** The upstream request bodies since `from`, as text, to see what reached the provider. */
export function sentSince(engine: ConformanceEngine, from: number): string[] {
  return engine
    .chatRequests()
    .slice(from)
    .map((r) => JSON.stringify(r.body));
}

/** Registers the text, stream and tool tests for the model `model()` makes, in the calling block. */
export function aiSdkTextCases(model: () => LanguageModel, engine: () => ConformanceEngine): void {
  it('generateText', async () => {
    const result = await generateText({ model: model(), prompt: 'hello there', maxRetries: 0 });
    expect(result.text).toBe('echo: hello there');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
  });

  it('streamText', async () => {
    const result = streamText({ model: model(), prompt: 'stream these words', maxRetries: 0 });
    const parts: string[] = [];
    for await (const part of result.textStream) parts.push(part);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join('')).toBe('echo: stream these words');
    expect(await result.finishReason).toBe('stop');
  });

  it('tools: a call, its result sent back, then the answer', async () => {
    const before = engine().chatRequests().length;
    const result = await generateText({
      model: model(),
      prompt: WEATHER_PROMPT,
      maxRetries: 0,
      tools: {
        weather: tool({
          description: 'The weather in a city',
          inputSchema: weatherSchema,
          execute: async ({ city }) => `sunny in ${city}`,
        }),
      },
      stopWhen: stepCountIs(3),
    });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolCalls.map((c) => c.toolName)).toEqual(['weather']);
    expect(result.steps[0]?.toolResults.map((r) => r.output)).toEqual(['sunny in mock']);
    expect(result.text).toMatch(/^echo: /);
    const sent = sentSince(engine(), before);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toContain('sunny in mock');
  });
}
