import { describe, expect, it } from 'vitest';
import { MessageResponseSchema } from '../../../app/formats/anthropic.ts';
import {
  ANTHROPIC_DEFAULT_MAX_TOKENS,
  anthropicToOpenAiResponse,
  openAiToAnthropicRequest,
} from '../../../app/formats/anthropicTarget.ts';
import type { ChatCompletionRequest } from '../../../app/formats/openai.ts';
import { ChatCompletionRequestSchema } from '../../../app/formats/openai.ts';
import { assistantCalls, chatCompletion, toolCall, toolResult } from './helpers.ts';

function request(body: Record<string, unknown>): ChatCompletionRequest {
  return ChatCompletionRequestSchema.parse({ model: 'route', ...body });
}

function translate(body: Record<string, unknown>) {
  const result = openAiToAnthropicRequest(request(body), 'claude-sonnet-4-5');
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

function translationError(body: Record<string, unknown>) {
  const result = openAiToAnthropicRequest(request(body), 'claude-sonnet-4-5');
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('openAiToAnthropicRequest', () => {
  it('moves system and developer messages to top-level system, in order', () => {
    const out = translate({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(out.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Use metric units.' },
    ]);
    expect(out.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
    expect(out.model).toBe('claude-sonnet-4-5');
  });

  it('turns parallel tool calls into tool_use blocks and merges their results into one user turn', () => {
    const out = translate({
      messages: [
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        assistantCalls(
          'Checking both.',
          toolCall('call_1', 'get_weather', '{"city":"Paris"}'),
          toolCall('call_2', 'get_weather', '{"city":"Oslo"}'),
        ),
        toolResult('call_1', '18°C, sunny'),
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '4°C, snow' }] },
        { role: 'user', content: 'Thanks, which is warmer?' },
      ],
      tools: [WEATHER_TOOL],
    });
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Oslo?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking both.' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Oslo' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18°C, sunny' },
          { type: 'tool_result', tool_use_id: 'call_2', content: '4°C, snow' },
          { type: 'text', text: 'Thanks, which is warmer?' },
        ],
      },
    ]);
    expect(out.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Current weather',
        input_schema: WEATHER_TOOL.function.parameters,
      },
    ]);
    expect(out.tool_choice).toEqual({ type: 'auto' });
  });

  it('rewrites tool ids Anthropic would refuse, the same way on both sides', () => {
    const out = translate({
      messages: [
        { role: 'user', content: 'go' },
        assistantCalls(null, toolCall('call:abc/1', 'f', '')),
        toolResult('call:abc/1', 'ok'),
      ],
    });
    expect(out.messages[1]?.content).toEqual([
      { type: 'tool_use', id: 'call_abc_1', name: 'f', input: {} },
    ]);
    expect(out.messages[2]?.content).toEqual([
      { type: 'tool_result', tool_use_id: 'call_abc_1', content: 'ok' },
    ]);
  });

  it('turns data: URLs into base64 image blocks and http URLs into url sources', () => {
    const out = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare', cache_control: { type: 'ephemeral' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
          ],
        },
      ],
    });
    expect(out.messages[0]?.content).toEqual([
      { type: 'text', text: 'Compare', cache_control: { type: 'ephemeral' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('sends an inline PDF file part as a document block', () => {
    const out = translate({
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'file',
              file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' },
            },
          ],
        },
      ],
    });
    expect(out.messages[0]?.content).toEqual([
      {
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
      },
    ]);
    expect(
      translationError({
        messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }],
      }).param,
    ).toBe('messages[0].content[0]');
  });

  it('takes max_completion_tokens over max_tokens, and a default when neither is given', () => {
    expect(translate({ messages: [{ role: 'user', content: 'x' }] }).max_tokens).toBe(
      ANTHROPIC_DEFAULT_MAX_TOKENS,
    );
    expect(
      translate({
        messages: [{ role: 'user', content: 'x' }],
        max_tokens: 100,
        max_completion_tokens: 200,
      }).max_tokens,
    ).toBe(200);
    expect(
      translate({ messages: [{ role: 'user', content: 'x' }], max_tokens: 100 }).max_tokens,
    ).toBe(100);
  });

  it('maps stop, temperature, top_p, stream and user', () => {
    const out = translate({
      messages: [{ role: 'user', content: 'x' }],
      stop: 'END',
      temperature: 1.4,
      top_p: 0.9,
      stream: true,
      user: 'u-42',
    });
    expect(out.stop_sequences).toEqual(['END']);
    expect(out.temperature).toBe(1);
    expect(out.top_p).toBeUndefined();
    expect(out.stream).toBe(true);
    expect(out.metadata).toEqual({ user_id: 'u-42' });
    expect(translate({ messages: [{ role: 'user', content: 'x' }], top_p: 0.5 }).top_p).toBe(0.5);
  });

  it.each([
    ['none', { type: 'none' }],
    ['auto', { type: 'auto' }],
    ['required', { type: 'any' }],
    [
      { type: 'function', function: { name: 'get_weather' } },
      { type: 'tool', name: 'get_weather' },
    ],
  ])('maps tool_choice %j', (choice, expected) => {
    const out = translate({
      messages: [{ role: 'user', content: 'x' }],
      tools: [WEATHER_TOOL],
      tool_choice: choice,
    });
    expect(out.tool_choice).toEqual(expected);
  });

  it('maps parallel_tool_calls: false and leaves tool_choice out without tools', () => {
    const out = translate({
      messages: [{ role: 'user', content: 'x' }],
      tools: [WEATHER_TOOL],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(out.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(
      translate({ messages: [{ role: 'user', content: 'x' }], tool_choice: 'auto' }).tool_choice,
    ).toBeUndefined();
  });

  it('gives a tool without parameters an empty object schema', () => {
    const out = translate({
      messages: [{ role: 'user', content: 'x' }],
      tools: [
        { type: 'function', function: { name: 'now' } },
        { type: 'function', function: { name: 'loose', parameters: { properties: {} } } },
      ],
    });
    expect(out.tools?.map((t) => t.input_schema)).toEqual([
      { type: 'object', properties: {} },
      { type: 'object', properties: {} },
    ]);
  });

  it('turns response_format into a system instruction that carries the schema', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    const out = translate({
      messages: [
        { role: 'system', content: 'Sys.' },
        { role: 'user', content: 'x' },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'reply', schema } },
    });
    expect(out.system?.[0]).toEqual({ type: 'text', text: 'Sys.' });
    expect(out.system?.[1]?.text).toContain(JSON.stringify(schema));
    const json = translate({
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_object' },
    });
    expect(json.system?.[0]?.text).toMatch(/JSON object/);
  });

  it('refuses what Anthropic cannot do, naming the parameter', () => {
    expect(translationError({ messages: [{ role: 'user', content: 'x' }], n: 2 })).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      param: 'n',
    });
    expect(
      translationError({
        messages: [assistantCalls(null, toolCall('a', 'f', '[1]'))],
      }).param,
    ).toBe('messages[0].tool_calls[0].function.arguments');
    expect(
      translationError({
        messages: [
          {
            role: 'user',
            content: [{ type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } }],
          },
        ],
      }).param,
    ).toBe('messages[0].content[0]');
    expect(
      translationError({ messages: [{ role: 'function', name: 'f', content: 'x' }] }).message,
    ).toMatch(/legacy/);
  });
});

function upstream(body: Record<string, unknown>) {
  return MessageResponseSchema.parse({
    id: 'msg_01',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 5 },
    ...body,
  });
}

describe('anthropicToOpenAiResponse', () => {
  it('joins text blocks and turns tool_use into tool calls with JSON arguments', () => {
    const out = anthropicToOpenAiResponse(
      upstream({
        content: [
          { type: 'thinking', thinking: 'Need both cities.', signature: 'sig' },
          { type: 'text', text: 'Let me ' },
          { type: 'text', text: 'check.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Oslo' } },
        ],
        stop_reason: 'tool_use',
        usage: {
          input_tokens: 100,
          output_tokens: 40,
          cache_read_input_tokens: 900,
          cache_creation_input_tokens: 50,
        },
      }),
      { created: 1700000000, model: 'my-route' },
    );
    expect(out).toEqual(
      chatCompletion(
        {
          id: 'msg_01',
          created: 1700000000,
          model: 'my-route',
          usage: {
            prompt_tokens: 1050,
            completion_tokens: 40,
            total_tokens: 1090,
            prompt_tokens_details: { cached_tokens: 900 },
          },
        },
        {
          content: 'Let me check.',
          reasoning_content: 'Need both cities.',
          tool_calls: [
            toolCall('toolu_1', 'get_weather', '{"city":"Paris"}'),
            toolCall('toolu_2', 'get_weather', '{"city":"Oslo"}'),
          ],
        },
        'tool_calls',
      ),
    );
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
  ])('maps stop_reason %s to finish_reason %s', (stop, finish) => {
    const out = anthropicToOpenAiResponse(
      upstream({ content: [{ type: 'text', text: 'x' }], stop_reason: stop }),
      {
        created: 0,
      },
    );
    expect(out.choices[0]?.finish_reason).toBe(finish);
    expect(out.model).toBe('claude-sonnet-4-5-20250929');
  });

  it('leaves content null when the answer is only tool calls, and skips blocks it cannot show', () => {
    const out = anthropicToOpenAiResponse(
      upstream({
        content: [
          { type: 'server_tool_use', id: 'srv_1', name: 'web_search', input: {} },
          { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} },
        ],
        stop_reason: 'tool_use',
      }),
      { created: 0 },
    );
    expect(out.choices[0]?.message.content).toBeNull();
    expect(out.choices[0]?.message.tool_calls).toHaveLength(1);
  });
});
