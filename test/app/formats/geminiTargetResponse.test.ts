import { describe, expect, it } from 'vitest';
import { GenerateContentResponseSchema, geminiErrorBody } from '../../../app/formats/gemini.ts';
import {
  GeminiToOpenAiStream,
  geminiToOpenAiResponse,
} from '../../../app/formats/geminiTargetResponse.ts';
import { accumulate, chatCompletion, cut, geminiSse, toolCall, translateSse } from './helpers.ts';

function ids() {
  let n = 0;
  return () => `call_${++n}`;
}

const USAGE = {
  promptTokenCount: 120,
  candidatesTokenCount: 30,
  thoughtsTokenCount: 50,
  cachedContentTokenCount: 100,
  totalTokenCount: 200,
};

describe('geminiToOpenAiResponse', () => {
  it('joins text, keeps thoughts apart and turns function calls into tool calls', () => {
    const response = GenerateContentResponseSchema.parse({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'Planning the calls.', thought: true },
              { text: 'Checking ' },
              { text: 'both.' },
              {
                functionCall: { name: 'get_weather', args: { city: 'Paris' } },
                thoughtSignature: 'CiQB',
              },
              { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: USAGE,
      modelVersion: 'gemini-2.5-flash',
      responseId: 'resp-1',
    });
    expect(
      geminiToOpenAiResponse(response, { created: 1, toolCallId: ids(), id: 'fallback' }),
    ).toEqual(
      chatCompletion(
        {
          id: 'resp-1',
          created: 1,
          model: 'gemini-2.5-flash',
          usage: {
            prompt_tokens: 120,
            completion_tokens: 80,
            total_tokens: 200,
            prompt_tokens_details: { cached_tokens: 100 },
            completion_tokens_details: { reasoning_tokens: 50 },
          },
        },
        {
          content: 'Checking both.',
          reasoning_content: 'Planning the calls.',
          tool_calls: [
            toolCall('call_1', 'get_weather', '{"city":"Paris"}', 'CiQB'),
            toolCall('call_2', 'get_weather', '{"city":"Oslo"}'),
          ],
        },
        'tool_calls',
      ),
    );
  });

  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['SPII', 'content_filter'],
    ['OTHER', 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', 'stop'],
  ])('maps finishReason %s to %s', (reason, finish) => {
    const response = GenerateContentResponseSchema.parse({
      candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: reason }],
    });
    const out = geminiToOpenAiResponse(response, {
      created: 0,
      toolCallId: ids(),
      id: 'id',
      model: 'm',
    });
    expect(out.choices[0]?.finish_reason).toBe(finish);
    expect(out.id).toBe('id');
    expect(out.model).toBe('m');
  });

  it('reports a blocked prompt as content_filter with no content', () => {
    const response = GenerateContentResponseSchema.parse({
      promptFeedback: { blockReason: 'SAFETY' },
      usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 },
    });
    const out = geminiToOpenAiResponse(response, { created: 0, toolCallId: ids(), id: 'id' });
    expect(out.choices[0]).toMatchObject({
      message: { content: null },
      finish_reason: 'content_filter',
    });
    expect(out.usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 0, total_tokens: 8 });
  });
});

const STREAM = [
  {
    candidates: [{ content: { role: 'model', parts: [{ text: 'The weather' }] }, index: 0 }],
    usageMetadata: { promptTokenCount: 40, totalTokenCount: 40 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'r-9',
  },
  { candidates: [{ content: { role: 'model', parts: [{ text: ' in Paris: ' }] }, index: 0 }] },
  {
    candidates: [
      {
        content: {
          role: 'model',
          parts: [
            {
              functionCall: { name: 'get_weather', args: { city: 'Paris', units: ['c'] } },
              thoughtSignature: 'sig1',
            },
            { functionCall: { name: 'get_time', args: {} } },
          ],
        },
        finishReason: 'STOP',
        index: 0,
      },
    ],
    usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 25, totalTokenCount: 65 },
  },
];

function run(chunks: unknown[], includeUsage = true, sizes = [11, 3]) {
  const translator = new GeminiToOpenAiStream({
    created: 9,
    includeUsage,
    toolCallId: ids(),
    id: 'fallback',
  });
  return { items: translateSse(cut(geminiSse(chunks), sizes), translator), translator };
}

describe('GeminiToOpenAiStream', () => {
  it('streams text and emits each whole function call as one complete tool call delta', () => {
    const { items, translator } = run(STREAM);
    const acc = accumulate(items);
    expect(acc.error).toBeNull();
    expect(acc.role).toBe('assistant');
    expect(acc.content).toBe('The weather in Paris: ');
    expect(acc.toolCalls).toEqual([
      {
        id: 'call_1',
        name: 'get_weather',
        arguments: '{"city":"Paris","units":["c"]}',
        signature: 'sig1',
      },
      { id: 'call_2', name: 'get_time', arguments: '{}' },
    ]);
    expect(acc.finishReason).toBe('tool_calls');
    expect(acc.usage).toEqual({
      prompt_tokens: 40,
      completion_tokens: 25,
      total_tokens: 65,
      prompt_tokens_details: { cached_tokens: 0 },
    });
    expect(translator.usage?.total_tokens).toBe(65);
    for (const item of items) if (!('kind' in item)) expect(item.id).toBe('r-9');
  });

  it('sends the usage chunk only at the end, and only when asked', () => {
    const { items } = run(STREAM);
    const last = items.at(-1);
    expect(last && !('kind' in last) ? last.choices : null).toEqual([]);
    expect(accumulate(run(STREAM, false).items).usage).toBeNull();
  });

  it('reports a stream without any finishReason as truncated', () => {
    const { items } = run(STREAM.slice(0, 2));
    expect(items.at(-1)).toMatchObject({
      kind: 'error',
      truncated: true,
      code: 'stream_truncated',
    });
    expect(accumulate(items).content).toBe('The weather in Paris: ');
  });

  it('turns an error chunk into a stream error in OpenAI terms', () => {
    const error = geminiErrorBody(
      503,
      'The model is overloaded. Please try again later.',
      'UNAVAILABLE',
    );
    const { items } = run([STREAM[0], error, STREAM[2]]);
    const errors = items.filter((i) => 'kind' in i);
    expect(errors).toEqual([
      {
        kind: 'error',
        status: 503,
        type: 'service_unavailable_error',
        message: 'The model is overloaded. Please try again later.',
        code: 'UNAVAILABLE',
      },
    ]);
    expect(items.at(-1)).toBe(errors[0]);
  });

  it('ends a blocked prompt with content_filter', () => {
    const { items } = run([
      {
        promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
        usageMetadata: { promptTokenCount: 3 },
      },
    ]);
    const acc = accumulate(items);
    expect(acc.finishReason).toBe('content_filter');
    expect(acc.error).toBeNull();
  });

  it.each([
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['STOP', 'stop'],
  ])('maps a streamed finishReason %s to %s', (reason, finish) => {
    const { items } = run([
      { candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: reason }] },
    ]);
    expect(accumulate(items).finishReason).toBe(finish);
  });

  it('passes thought parts as reasoning_content', () => {
    const { items } = run([
      { candidates: [{ content: { parts: [{ text: 'Hmm.', thought: true }] } }] },
      { candidates: [{ content: { parts: [{ text: 'Yes.' }] }, finishReason: 'STOP' }] },
    ]);
    const acc = accumulate(items);
    expect([acc.reasoning, acc.content, acc.finishReason]).toEqual(['Hmm.', 'Yes.', 'stop']);
  });
});
