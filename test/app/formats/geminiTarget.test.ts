import { describe, expect, it } from 'vitest';
import { geminiMethodPath } from '../../../app/formats/gemini.ts';
import { toGeminiSchema } from '../../../app/formats/geminiSchema.ts';
import { GEMINI_SKIP_SIGNATURE, openAiToGeminiRequest } from '../../../app/formats/geminiTarget.ts';
import { ChatCompletionRequestSchema } from '../../../app/formats/openai.ts';
import { assistantCalls, toolCall, toolResult } from './helpers.ts';

function translate(body: Record<string, unknown>) {
  const result = openAiToGeminiRequest(ChatCompletionRequestSchema.parse({ model: 'm', ...body }));
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

function translationError(body: Record<string, unknown>) {
  const result = openAiToGeminiRequest(ChatCompletionRequestSchema.parse({ model: 'm', ...body }));
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

describe('openAiToGeminiRequest', () => {
  it('maps roles, system instruction, tool calls and tool results found by tool_call_id', () => {
    const out = translate({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        assistantCalls(
          '',
          toolCall('call_a', 'get_weather', '{"city":"Paris"}'),
          toolCall('call_b', 'get_weather', '{"city":"Oslo"}'),
        ),
        toolResult('call_b', '{"temp":4}'),
        toolResult('call_a', 'sunny'),
        { role: 'user', content: 'And tomorrow?' },
      ],
    });
    expect(out.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(out.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Oslo?' }] },
      {
        role: 'model',
        parts: [
          {
            functionCall: { name: 'get_weather', args: { city: 'Paris' } },
            thoughtSignature: GEMINI_SKIP_SIGNATURE,
          },
          { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temp: 4 } } },
          { functionResponse: { name: 'get_weather', response: { output: 'sunny' } } },
          { text: 'And tomorrow?' },
        ],
      },
    ]);
  });

  it("sends back Gemini's own thought signature when the history kept it", () => {
    const out = translate({
      messages: [
        { role: 'user', content: 'x' },
        assistantCalls(null, toolCall('c1', 'f', '{}', 'CiQB0e2Kb')),
        toolResult('c1', '[1,2]'),
      ],
    });
    expect(out.contents[1]?.parts[0]).toEqual({
      functionCall: { name: 'f', args: {} },
      thoughtSignature: 'CiQB0e2Kb',
    });
    expect(out.contents[2]?.parts[0]).toEqual({
      functionResponse: { name: 'f', response: { output: [1, 2] } },
    });
  });

  it('refuses a tool result whose call it cannot find', () => {
    expect(
      translationError({
        messages: [{ role: 'user', content: 'x' }, toolResult('nope', 'r')],
      }),
    ).toMatchObject({ status: 400, param: 'messages[1].tool_call_id' });
  });

  it('sends data: images inline and http images as fileData with a guessed type', () => {
    const out = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/webp;base64,UklGRg==' } },
            { type: 'image_url', image_url: { url: 'https://example.com/a/photo.PNG?x=1' } },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          ],
        },
      ],
    });
    expect(out.contents[0]?.parts).toEqual([
      { text: 'What is this?' },
      { inlineData: { mimeType: 'image/webp', data: 'UklGRg==' } },
      { fileData: { mimeType: 'image/png', fileUri: 'https://example.com/a/photo.PNG?x=1' } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
    ]);
  });

  it('maps generation settings, including JSON output with a cleaned schema', () => {
    const out = translate({
      messages: [{ role: 'user', content: 'x' }],
      temperature: 0.3,
      top_p: 0.8,
      max_tokens: 50,
      max_completion_tokens: 70,
      stop: ['a', 'b'],
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'r',
          strict: true,
          schema: {
            $schema: 'http://json-schema.org/draft-07/schema#',
            type: 'object',
            properties: { n: { type: 'integer' } },
            required: ['n'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(out.generationConfig).toEqual({
      temperature: 0.3,
      topP: 0.8,
      maxOutputTokens: 70,
      stopSequences: ['a', 'b'],
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      responseMimeType: 'application/json',
      responseSchema: { type: 'OBJECT', properties: { n: { type: 'INTEGER' } }, required: ['n'] },
    });
    expect(
      translate({ messages: [{ role: 'user', content: 'x' }] }).generationConfig,
    ).toBeUndefined();
  });

  it('refuses more than five stop sequences, n > 1 and logprobs', () => {
    const messages = [{ role: 'user', content: 'x' }];
    expect(translationError({ messages, stop: ['1', '2', '3', '4', '5', '6'] }).param).toBe('stop');
    expect(translationError({ messages, n: 3 }).param).toBe('n');
    expect(translationError({ messages, logprobs: true }).param).toBe('logprobs');
  });

  it('declares functions, leaving out empty parameter objects, and maps tool_choice', () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'search',
          description: 'Search the web',
          parameters: {
            type: 'object',
            properties: { q: { type: 'string' } },
            additionalProperties: false,
          },
        },
      },
      {
        type: 'function',
        function: { name: 'now', parameters: { type: 'object', properties: {} } },
      },
    ];
    const messages = [{ role: 'user', content: 'x' }];
    const out = translate({ messages, tools });
    expect(out.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'search',
            description: 'Search the web',
            parameters: { type: 'OBJECT', properties: { q: { type: 'STRING' } } },
          },
          { name: 'now' },
        ],
      },
    ]);
    expect(out.toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(
      translate({ messages, tools, tool_choice: 'none' }).toolConfig?.functionCallingConfig,
    ).toEqual({ mode: 'NONE' });
    expect(
      translate({ messages, tools, tool_choice: 'required' }).toolConfig?.functionCallingConfig,
    ).toEqual({ mode: 'ANY' });
    expect(
      translate({ messages, tools, tool_choice: { type: 'function', function: { name: 'now' } } })
        .toolConfig,
    ).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['now'] } });
    const allowed = translate({
      messages,
      tools,
      tool_choice: {
        type: 'allowed_tools',
        allowed_tools: {
          mode: 'required',
          tools: [{ type: 'function', function: { name: 'search' } }],
        },
      },
    });
    expect(allowed.tools?.[0]?.functionDeclarations.map((d) => d.name)).toEqual(['search']);
    expect(allowed.toolConfig?.functionCallingConfig.mode).toBe('ANY');
  });
});

describe('toGeminiSchema', () => {
  it('inlines $defs references and stops at recursion', () => {
    const out = toGeminiSchema({
      $defs: {
        Node: {
          type: 'object',
          properties: { label: { type: 'string' }, child: { $ref: '#/$defs/Node' } },
        },
      },
      type: 'object',
      properties: { root: { $ref: '#/$defs/Node', description: 'the root' } },
    });
    expect(out).toEqual({
      type: 'OBJECT',
      properties: {
        root: {
          type: 'OBJECT',
          description: 'the root',
          properties: { label: { type: 'STRING' }, child: { type: 'OBJECT' } },
        },
      },
    });
  });

  it('turns null unions into nullable, oneOf into anyOf, const into enum', () => {
    expect(toGeminiSchema({ type: ['string', 'null'], format: 'email' })).toEqual({
      type: 'STRING',
      nullable: true,
    });
    expect(
      toGeminiSchema({ anyOf: [{ type: 'integer' }, { type: 'null' }], description: 'd' }),
    ).toEqual({
      type: 'INTEGER',
      description: 'd',
      nullable: true,
    });
    expect(
      toGeminiSchema({ oneOf: [{ type: 'string' }, { type: 'number', format: 'double' }] }),
    ).toEqual({
      anyOf: [{ type: 'STRING' }, { type: 'NUMBER', format: 'double' }],
    });
    expect(toGeminiSchema({ const: 'x', title: 'T', default: 'x', examples: ['x'] })).toEqual({
      type: 'STRING',
      enum: ['x'],
    });
    expect(toGeminiSchema({ type: 'integer', enum: [1, 2] })).toEqual({ type: 'INTEGER' });
  });

  it('infers a missing type from properties or items', () => {
    expect(toGeminiSchema({ properties: { a: { items: { type: 'string' } } } })).toEqual({
      type: 'OBJECT',
      properties: { a: { type: 'ARRAY', items: { type: 'STRING' } } },
    });
  });

  it('merges allOf and keeps only required names that exist', () => {
    expect(
      toGeminiSchema({
        allOf: [
          { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
          {
            properties: { b: { type: 'array', items: { type: 'string' }, minItems: 1 } },
            required: ['b', 'c'],
          },
        ],
      }),
    ).toEqual({
      type: 'OBJECT',
      properties: {
        a: { type: 'STRING' },
        b: { type: 'ARRAY', items: { type: 'STRING' }, minItems: 1 },
      },
      required: ['a', 'b'],
    });
  });
});

describe('geminiMethodPath', () => {
  it('chooses the streaming method with alt=sse', () => {
    expect(geminiMethodPath('gemini-2.5-flash', false)).toBe(
      'models/gemini-2.5-flash:generateContent',
    );
    expect(geminiMethodPath('models/gemini-2.5-flash', true)).toBe(
      'models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
  });
});
