import { describe, expect, it } from 'vitest';
import {
  MessagesRequestSchema,
  anthropicErrorBody,
  anthropicErrorStatus,
  anthropicErrorType,
  encodeAnthropicEvent,
  isKnownBlock,
} from '../../../app/formats/anthropic.ts';
import {
  ChatCompletionRequestSchema,
  CompletionRequestSchema,
  EmbeddingsRequestSchema,
} from '../../../app/formats/openai.ts';
import {
  encodeOpenAiStreamItem,
  openAiErrorBody,
  openAiStreamErrorData,
  parseOpenAiStreamData,
} from '../../../app/formats/openaiWire.ts';
import { assistantCalls, toolCall, toolResult } from './helpers.ts';

describe('ChatCompletionRequestSchema', () => {
  it('accepts a full request and keeps fields it does not name', () => {
    const body = {
      model: 'gpt-4o',
      messages: [
        { role: 'developer', content: 'Be terse.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } },
          ],
        },
        assistantCalls(null, toolCall('c', 'f', '{}')),
        toolResult('c', 'done'),
      ],
      tools: [
        { type: 'function', function: { name: 'f', parameters: { type: 'object' }, strict: true } },
      ],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: true,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'x', schema: { type: 'object' }, strict: true },
      },
      stream: true,
      stream_options: { include_usage: true },
      stop: ['a', 'b'],
      max_completion_tokens: 100,
      temperature: 0.2,
      top_p: 1,
      n: 1,
      user: 'u',
      seed: 3,
      service_tier: 'flex',
      metadata: { k: 'v' },
    };
    const parsed = ChatCompletionRequestSchema.parse(body);
    expect(parsed).toEqual(body);
  });

  it.each([
    [{ model: 'm', messages: [] }, 'messages'],
    [{ model: '', messages: [{ role: 'user', content: 'x' }] }, 'model'],
    [{ model: 'm', messages: [{ role: 'wizard', content: 'x' }] }, 'messages.0.role'],
    [
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'video', video: {} }] }] },
      'messages.0.content',
    ],
    [{ model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages.0.tool_call_id'],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 0 }, 'max_tokens'],
    [{ model: 'm', messages: [{ role: 'user', content: 'x' }], stop: 3 }, 'stop'],
  ])('rejects %j at %s', (body, path) => {
    const result = ChatCompletionRequestSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContainEqual(
      expect.stringContaining(path),
    );
  });
});

describe('legacy and embeddings schemas', () => {
  it('accepts prompt and input in their documented shapes', () => {
    for (const prompt of ['x', ['a', 'b'], [1, 2], [[1], [2]]]) {
      expect(CompletionRequestSchema.safeParse({ model: 'm', prompt }).success).toBe(true);
    }
    for (const input of ['x', ['a'], [1, 2], [[1]]]) {
      expect(EmbeddingsRequestSchema.safeParse({ model: 'm', input }).success).toBe(true);
    }
    expect(EmbeddingsRequestSchema.safeParse({ model: 'm', input: [] }).success).toBe(false);
    expect(
      EmbeddingsRequestSchema.safeParse({ model: 'm', input: 'x', encoding_format: 'hex' }).success,
    ).toBe(false);
  });
});

describe('MessagesRequestSchema', () => {
  const base = { model: 'claude', max_tokens: 10 };

  it('accepts block types it does not model, so passthrough is not refused', () => {
    const parsed = MessagesRequestSchema.parse({
      ...base,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'container_upload', file_id: 'f1' },
            { type: 'text', text: 'hi' },
          ],
        },
      ],
    });
    const blocks = parsed.messages[0]?.content;
    expect(Array.isArray(blocks) && blocks.map((b) => isKnownBlock(b))).toEqual([false, true]);
  });

  it('still checks the block types it models', () => {
    const result = MessagesRequestSchema.safeParse({
      ...base,
      messages: [{ role: 'user', content: [{ type: 'tool_result', content: 'no id' }] }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['messages', 0, 'content', 0, 'tool_use_id']);
  });

  it('requires max_tokens and an input_schema on custom tools', () => {
    expect(
      MessagesRequestSchema.safeParse({ model: 'c', messages: [{ role: 'user', content: 'x' }] })
        .success,
    ).toBe(false);
    const noSchema = MessagesRequestSchema.safeParse({
      ...base,
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ name: 'f' }],
    });
    expect(noSchema.error?.issues[0]?.path).toEqual(['tools', 0, 'input_schema']);
    const serverTool = MessagesRequestSchema.safeParse({
      ...base,
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
    });
    expect(serverTool.success).toBe(true);
  });
});

describe('error bodies', () => {
  it('builds OpenAI error bodies and in-band stream errors', () => {
    expect(openAiErrorBody('Bad model', 'invalid_request_error')).toEqual({
      error: { message: 'Bad model', type: 'invalid_request_error', param: null, code: null },
    });
    expect(openAiErrorBody('m', 't', 'c', 'p').error).toMatchObject({ code: 'c', param: 'p' });
    expect(JSON.parse(openAiStreamErrorData('Overloaded', 'server_error', 'overloaded'))).toEqual({
      error: { message: 'Overloaded', type: 'server_error', param: null, code: 'overloaded' },
    });
    expect(
      encodeOpenAiStreamItem({
        kind: 'error',
        status: 502,
        type: 'server_error',
        message: 'cut',
        code: 'x',
      }),
    ).toBe('data: {"error":{"message":"cut","type":"server_error","param":null,"code":"x"}}\n\n');
  });

  it('builds Anthropic error bodies and maps statuses both ways', () => {
    expect(anthropicErrorBody('overloaded_error', 'Overloaded')).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
    expect(
      encodeAnthropicEvent({ type: 'error', error: { type: 'api_error', message: 'x' } }),
    ).toBe('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"x"}}\n\n');
    for (const type of [
      'invalid_request_error',
      'authentication_error',
      'permission_error',
      'not_found_error',
      'rate_limit_error',
      'overloaded_error',
    ]) {
      expect(anthropicErrorType(anthropicErrorStatus(type))).toBe(type);
    }
    expect(anthropicErrorType(503)).toBe('overloaded_error');
    expect(anthropicErrorType(418)).toBe('invalid_request_error');
    expect(anthropicErrorType(502)).toBe('api_error');
  });
});

describe('parseOpenAiStreamData', () => {
  it('reads chunks, [DONE] and in-band errors', () => {
    expect(parseOpenAiStreamData('[DONE]')).toBe('done');
    const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [] };
    expect(parseOpenAiStreamData(JSON.stringify(chunk))).toEqual(chunk);
    expect(
      parseOpenAiStreamData(
        '{"error":{"message":"Rate limit reached","type":"rate_limit_error","code":"rate_limit_exceeded"}}',
      ),
    ).toEqual({
      kind: 'error',
      status: 429,
      type: 'rate_limit_error',
      message: 'Rate limit reached',
      code: 'rate_limit_exceeded',
    });
    expect(
      parseOpenAiStreamData('{"error":{"code":502,"message":"Provider returned error"}}'),
    ).toMatchObject({
      status: 502,
      type: 'server_error',
      code: null,
    });
    expect(parseOpenAiStreamData('{"choices":')).toMatchObject({
      kind: 'error',
      code: 'malformed_stream',
    });
    expect(parseOpenAiStreamData('{"id":"x"}')).toMatchObject({
      kind: 'error',
      code: 'malformed_stream',
    });
  });
});
