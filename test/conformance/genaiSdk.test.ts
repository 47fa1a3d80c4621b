/**
 * Google's own SDK (@google/genai, pinned in test/conformance/package.json) pointed at
 * `switchyard serve` as a Gemini API (`httpOptions.baseUrl`, the proxy key as its API key), in
 * front of a mock upstream in each format: generateContent, generateContentStream, a function
 * call round trip, structured output and countTokens.
 */
import { GoogleGenAI, Type, type Content } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startConformanceEngine,
  UPSTREAM_FORMATS,
  type ConformanceEngine,
  type UpstreamFormat,
} from './engine.ts';

/**
 * The output schema an upstream request carried, where its format puts it. From the hub, an
 * Anthropic-format target gets it as a system instruction (anthropicTarget.ts), so the mock
 * cannot answer JSON there.
 */
function schemaSent(format: UpstreamFormat, body: unknown): unknown {
  const b = body as {
    system?: unknown;
    response_format?: { json_schema?: { schema?: unknown } };
    generationConfig?: { responseSchema?: unknown };
  };
  if (format === 'anthropic') return b.system;
  if (format === 'openai') return b.response_format?.json_schema?.schema;
  return b.generationConfig?.responseSchema;
}

const WEATHER = {
  functionDeclarations: [
    {
      name: 'weather',
      description: 'The weather in a city',
      parameters: {
        type: Type.OBJECT,
        properties: { city: { type: Type.STRING } },
        required: ['city'],
      },
    },
  ],
};

describe.each(UPSTREAM_FORMATS)('@google/genai through a %s-format upstream', (format) => {
  let engine: ConformanceEngine;
  let ai: GoogleGenAI;

  beforeAll(async () => {
    engine = await startConformanceEngine(format);
    ai = new GoogleGenAI({
      apiKey: engine.proxyKey,
      httpOptions: { baseUrl: engine.anthropicBaseUrl },
    });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('generateContent answers with text and usage', async () => {
    const response = await ai.models.generateContent({
      model: 'quick',
      contents: 'Hello from genai',
      config: { systemInstruction: 'Be terse.', temperature: 0.1, maxOutputTokens: 100 },
    });
    expect(response.text).toContain('Hello from genai');
    expect(response.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
  });

  it('generateContentStream streams the answer in several chunks', async () => {
    const stream = await ai.models.generateContentStream({
      model: 'quick',
      contents: 'stream me some words',
    });
    const texts: string[] = [];
    for await (const chunk of stream) if (chunk.text !== undefined) texts.push(chunk.text);
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.join('')).toContain('stream me some words');
  });

  it('function calling: a call, its response sent back, then the answer', async () => {
    const ask: Content = { role: 'user', parts: [{ text: 'Use the weather tool for Paris.' }] };
    const first = await ai.models.generateContent({
      model: 'quick',
      contents: [ask],
      config: { tools: [WEATHER] },
    });
    const call = first.functionCalls?.[0];
    expect(call?.name).toBe('weather');
    expect(call?.args).toMatchObject({ city: expect.any(String) });
    const second = await ai.models.generateContent({
      model: 'quick',
      contents: [
        ask,
        first.candidates![0]!.content!,
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                name: 'weather',
                ...(call?.id !== undefined ? { id: call.id } : {}),
                response: { output: 'sunny in Paris' },
              },
            },
          ],
        },
      ],
      config: { tools: [WEATHER] },
    });
    expect(second.functionCalls ?? []).toEqual([]);
    expect(second.text).toBeTruthy();
    expect(JSON.stringify(engine.chatRequests().at(-1)?.body)).toContain('sunny in Paris');
  });

  it('structured output: the schema reaches the upstream, the answer parses', async () => {
    const before = engine.chatRequests().length;
    const response = await ai.models.generateContent({
      model: 'quick',
      contents: 'Name a city.',
      config: {
        responseMimeType: 'application/json',
        responseSchema: {
          type: Type.OBJECT,
          properties: { city: { type: Type.STRING } },
          required: ['city'],
        },
      },
    });
    const sent = engine.chatRequests().slice(before)[0]?.body;
    expect(JSON.stringify(schemaSent(format, sent))).toContain('city');
    if (format === 'anthropic') return;
    const value = JSON.parse(response.text ?? '') as { city?: unknown };
    expect(typeof value.city).toBe('string');
  });

  it('countTokens answers without a chat request upstream', async () => {
    const before = engine.chatRequests().length;
    const count = await ai.models.countTokens({
      model: 'quick',
      contents: 'How many tokens is this sentence?',
    });
    expect(count.totalTokens).toBeGreaterThan(0);
    expect(engine.chatRequests().length).toBe(before);
  });
});
