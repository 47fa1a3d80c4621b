import { describe, expect, it } from 'vitest';
import {
  fromGeminiSchema,
  GeminiInboundRequestSchema,
  geminiToOpenAiRequest,
} from '../../../app/formats/geminiInbound.ts';
import { openAiToGeminiResponse } from '../../../app/formats/geminiInboundResponse.ts';
import { OpenAiToGeminiStream } from '../../../app/formats/geminiInboundStream.ts';
import { ChatCompletionRequestSchema } from '../../../app/formats/openai.ts';
import { assistantCalls, chatCompletion, chunksOf, toolCall, toolResult } from './helpers.ts';

function translate(body: Record<string, unknown>, stream = false) {
  const result = geminiToOpenAiRequest(GeminiInboundRequestSchema.parse(body), 'route', stream);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  // What the hub's own schema takes: the translation never builds a body it would refuse.
  return ChatCompletionRequestSchema.parse(result.value);
}

describe('geminiToOpenAiRequest', () => {
  it('maps the system instruction, generation config, images and a tool round trip', () => {
    const out = translate({
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'What is here?' },
            { inlineData: { mimeType: 'image/png', data: 'AAA' } },
          ],
        },
        {
          role: 'model',
          parts: [
            { text: 'thinking…', thought: true },
            { functionCall: { name: 'look', args: { at: 'x' } }, thoughtSignature: 'sig' },
          ],
        },
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'look', response: { output: 'a cat' } } }],
        },
      ],
      generationConfig: {
        temperature: 0.3,
        topP: 0.9,
        maxOutputTokens: 99,
        stopSequences: ['END'],
        thinkingConfig: { thinkingBudget: 1024 },
      },
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
    });
    expect(out).toMatchObject({
      model: 'route',
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 99,
      stop: ['END'],
    });
    expect(out).not.toHaveProperty('reasoning_effort');
    expect(out).not.toHaveProperty('safetySettings');
    expect(out.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is here?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAA' } },
        ],
      },
      assistantCalls(null, toolCall('gemini_call_1', 'look', '{"at":"x"}')),
      toolResult('gemini_call_1', 'a cat'),
    ]);
  });

  it('matches a functionResponse by its id, and by name when the id is unknown', () => {
    const out = translate({
      contents: [
        { role: 'user', parts: [{ text: 'go' }] },
        {
          role: 'model',
          parts: [
            { functionCall: { name: 'a', args: {}, id: 'c1' } },
            { functionCall: { name: 'a', args: {}, id: 'c2' } },
            { functionCall: { name: 'b', args: {} } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'a', id: 'c2', response: { output: 'two' } } },
            { functionResponse: { name: 'b', id: 'cli-made-up', response: { error: 'boom' } } },
            { functionResponse: { name: 'a', response: { x: 1 } } },
          ],
        },
      ],
    });
    expect(out.messages.slice(2)).toEqual([
      toolResult('c2', 'two'),
      toolResult('gemini_call_1', 'Error: boom'),
      toolResult('c1', '{"x":1}'),
    ]);
  });

  it('joins a model turn’s texts, skips an empty turn, and puts a turn’s tool results before its text', () => {
    const out = translate({
      contents: [
        { role: 'user', parts: [{ text: 'go' }] },
        {
          role: 'model',
          parts: [
            { text: 'Let me ' },
            { text: 'hidden', thought: true },
            { text: 'look.' },
            { functionCall: { name: 'a', id: 'c1' } },
          ],
        },
        {
          role: 'user',
          parts: [
            { text: 'and also' },
            { functionResponse: { name: 'a', response: { output: 'done' } } },
            { text: 'this' },
          ],
        },
        { role: 'model', parts: [{ text: 'only thinking', thought: true }] },
        { role: 'model', parts: [{ text: 'Done.' }] },
      ],
    });
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      assistantCalls('Let me look.', toolCall('c1', 'a', '{}')),
      toolResult('c1', 'done'),
      {
        role: 'user',
        content: [
          { type: 'text', text: 'and also' },
          { type: 'text', text: 'this' },
        ],
      },
      { role: 'assistant', content: 'Done.' },
    ]);
  });

  it('refuses a functionResponse that answers no call', () => {
    const result = geminiToOpenAiRequest(
      GeminiInboundRequestSchema.parse({
        contents: [{ parts: [{ functionResponse: { name: 'x', response: {} } }] }],
      }),
      'm',
      false,
    );
    expect(result.ok).toBe(false);
  });

  it('turns declarations (OpenAPI or JSON Schema), tool config and response schemas into the hub’s', () => {
    const out = translate({
      contents: [{ parts: [{ text: 'hi' }] }],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'old',
              parameters: {
                type: 'OBJECT',
                properties: { n: { type: 'INTEGER', nullable: true } },
                required: ['n'],
              },
            },
            {
              name: 'new',
              parametersJsonSchema: { type: 'object', properties: { s: { type: 'string' } } },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['new'] } },
      generationConfig: {
        responseMimeType: 'application/json',
        responseSchema: { type: 'OBJECT', properties: { a: { type: 'STRING' } } },
      },
    });
    expect(out.tools?.map((t) => t.type === 'function' && t.function.parameters)).toEqual([
      { type: 'object', properties: { n: { type: ['integer', 'null'] } }, required: ['n'] },
      { type: 'object', properties: { s: { type: 'string' } } },
    ]);
    expect(out.tool_choice).toEqual({ type: 'function', function: { name: 'new' } });
    expect(out.response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'response',
        schema: { type: 'object', properties: { a: { type: 'string' } } },
      },
    });
    const json = translate({
      contents: [{ parts: [{ text: 'hi' }] }],
      generationConfig: { responseMimeType: 'application/json' },
    });
    expect(json.response_format).toEqual({ type: 'json_object' });
  });

  it('asks a streamed hub request for usage', () => {
    expect(translate({ contents: [{ parts: [{ text: 'hi' }] }] }, true).stream_options).toEqual({
      include_usage: true,
    });
  });

  it('reads Gemini schemas with anyOf and items', () => {
    expect(
      fromGeminiSchema({
        type: 'ARRAY',
        items: { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] },
      }),
    ).toEqual({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } });
  });
});

describe('openAiToGeminiResponse', () => {
  it('gives thinking, text and tool calls (with id and signature) as parts, and Gemini usage', () => {
    const out = openAiToGeminiResponse(
      chatCompletion(
        {
          id: 'chatcmpl-1',
          created: 1,
          model: 'm',
          usage: {
            prompt_tokens: 10,
            completion_tokens: 7,
            total_tokens: 17,
            completion_tokens_details: { reasoning_tokens: 3 },
          },
        },
        {
          content: 'Hello',
          reasoning_content: 'hmm',
          tool_calls: [toolCall('call_1', 'f', '{"a":1}', 'sig')],
        },
        'tool_calls',
      ),
      'route',
    );
    expect(out).toEqual({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'hmm', thought: true },
              { text: 'Hello' },
              {
                functionCall: { name: 'f', args: { a: 1 }, id: 'call_1' },
                thoughtSignature: 'sig',
              },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 10,
        candidatesTokenCount: 4,
        thoughtsTokenCount: 3,
        totalTokenCount: 17,
      },
      modelVersion: 'route',
      responseId: 'chatcmpl-1',
    });
  });
});

describe('OpenAiToGeminiStream', () => {
  const chunk = chunksOf({ id: 'c', model: 'm' });

  it('streams text as it comes and a tool call whole, with the finish and usage last', () => {
    const stream = new OpenAiToGeminiStream('route');
    const out = [
      ...stream.push(chunk({ role: 'assistant', content: 'Hi' })),
      ...stream.push(
        chunk({
          tool_calls: [{ index: 0, id: 'call_9', function: { name: 'sh', arguments: '{"c' } }],
        }),
      ),
      ...stream.push(
        chunk({ tool_calls: [{ index: 0, function: { arguments: 'md":"ls"}' } }] }, 'tool_calls'),
      ),
      ...stream.push({
        ...chunk({}),
        choices: [],
        usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
      }),
      ...stream.end(true),
    ];
    expect(out.map((c) => c.candidates?.[0])).toEqual([
      { content: { role: 'model', parts: [{ text: 'Hi' }] }, index: 0 },
      {
        content: {
          role: 'model',
          parts: [{ functionCall: { name: 'sh', args: { cmd: 'ls' }, id: 'call_9' } }],
        },
        finishReason: 'STOP',
        index: 0,
      },
    ]);
    expect(out.at(-1)?.usageMetadata).toEqual({
      promptTokenCount: 5,
      candidatesTokenCount: 2,
      totalTokenCount: 7,
    });
  });

  it('says nothing more for a stream that did not complete', () => {
    const stream = new OpenAiToGeminiStream('route');
    stream.push(chunk({ content: 'partial' }));
    expect(stream.end(false)).toEqual([]);
  });
});
