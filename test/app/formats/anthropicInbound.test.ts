import { describe, expect, it } from 'vitest';
import type { AnthropicStreamEvent } from '../../../app/formats/anthropic.ts';
import { MessagesRequestSchema } from '../../../app/formats/anthropic.ts';
import {
  anthropicToOpenAiRequest,
  openAiToAnthropicResponse,
} from '../../../app/formats/anthropicInbound.ts';
import { OpenAiToAnthropicStream } from '../../../app/formats/anthropicInboundStream.ts';
import type { ChatCompletionChunk } from '../../../app/formats/openai.ts';
import { ChatCompletionSchema } from '../../../app/formats/openai.ts';
import {
  anthropicEvent,
  assistantCalls,
  chatCompletion,
  chunksOf,
  toolCall,
  toolResult,
} from './helpers.ts';

function translate(body: Record<string, unknown>) {
  const parsed = MessagesRequestSchema.parse({
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    ...body,
  });
  const result = anthropicToOpenAiRequest(parsed);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

describe('anthropicToOpenAiRequest', () => {
  it('translates a Claude Code style tool conversation', () => {
    const out = translate({
      system: [
        { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Be careful.' },
      ],
      messages: [
        { role: 'user', content: 'List files' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'I should run ls.', signature: 'sig' },
            { type: 'text', text: 'Running ls.' },
            { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } },
            { type: 'tool_use', id: 'toolu_2', name: 'Bash', input: { command: 'pwd' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'a.txt\nb.txt' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_2',
              is_error: true,
              content: [{ type: 'text', text: 'permission denied' }],
            },
            { type: 'text', text: 'Now read a.txt' },
          ],
        },
      ],
      tools: [
        {
          name: 'Bash',
          description: 'Run a command',
          input_schema: { type: 'object', properties: {} },
        },
      ],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      stop_sequences: ['</done>'],
      temperature: 0.5,
      top_k: 40,
      metadata: { user_id: 'session-1' },
      stream: true,
    });
    expect(out).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      messages: [
        { role: 'system', content: 'You are Claude Code.\n\nBe careful.' },
        { role: 'user', content: 'List files' },
        assistantCalls(
          'Running ls.',
          toolCall('toolu_1', 'Bash', '{"command":"ls"}'),
          toolCall('toolu_2', 'Bash', '{"command":"pwd"}'),
        ),
        toolResult('toolu_1', 'a.txt\nb.txt'),
        toolResult('toolu_2', 'Error: permission denied'),
        { role: 'user', content: 'Now read a.txt' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'Bash',
            description: 'Run a command',
            parameters: { type: 'object', properties: {} },
          },
        },
      ],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      stop: ['</done>'],
      temperature: 0.5,
      user: 'session-1',
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('turns images into image_url parts and moves tool-result images after the tool messages', () => {
    const out = translate({
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              content: [
                { type: 'text', text: 'screenshot:' },
                {
                  type: 'image',
                  source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' },
                },
              ],
            },
            { type: 'image', source: { type: 'url', url: 'https://example.com/x.jpg' } },
          ],
        },
      ],
    });
    expect(out.messages).toEqual([
      toolResult('t1', 'screenshot:'),
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } },
          { type: 'image_url', image_url: { url: 'https://example.com/x.jpg' } },
        ],
      },
    ]);
  });

  it.each([
    [{ type: 'any' }, 'required'],
    [{ type: 'none' }, 'none'],
    [
      { type: 'tool', name: 'Bash' },
      { type: 'function', function: { name: 'Bash' } },
    ],
  ])('maps tool_choice %j', (choice, expected) => {
    const out = translate({
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ name: 'Bash', input_schema: { type: 'object' } }],
      tool_choice: choice,
    });
    expect(out.tool_choice).toEqual(expected);
    expect(out.parallel_tool_calls).toBeUndefined();
  });

  it('keeps a mid-conversation system message in place and drops beta-only fields', () => {
    const out = translate({
      system: 'You are Claude Code.',
      messages: [
        { role: 'user', content: 'first' },
        { role: 'system', content: [{ type: 'text', text: 'Skills: pdf, xlsx.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'second', cache_control: { type: 'ephemeral', ttl: '1h' } },
          ],
        },
      ],
      thinking: { type: 'adaptive' },
      context_management: { edits: [] },
      output_config: { effort: 'high' },
    });
    expect(out.messages).toEqual([
      { role: 'system', content: 'You are Claude Code.' },
      { role: 'user', content: 'first' },
      { role: 'system', content: 'Skills: pdf, xlsx.' },
      { role: 'user', content: 'second' },
    ]);
    const raw = JSON.stringify(out);
    for (const field of ['cache_control', 'context_management', 'output_config', 'thinking'])
      expect(raw).not.toContain(field);
  });

  it('drops server tools and their blocks, and notes content no OpenAI model can take', () => {
    const out = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'read these' },
            { type: 'image', source: { type: 'file', file_id: 'file_1' } },
            { type: 'document', source: { type: 'url', url: 'https://x.test/a.pdf' }, title: 'A' },
            { type: 'search_result', source: 's', title: 't', text: 'found it' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'server_tool_use', id: 's', name: 'web_search', input: {} },
            { type: 'web_search_tool_result', tool_use_id: 's', content: [] },
            { type: 'text', text: 'searched' },
          ],
        },
      ],
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }],
      tool_choice: { type: 'tool', name: 'web_search' },
    });
    expect(out.tools).toBeUndefined();
    expect(out.tool_choice).toBeUndefined();
    expect(out.messages).toEqual([
      {
        role: 'user',
        content: [
          'read these',
          "[image file_1 from Anthropic's Files API omitted: not available to this model]",
          '[document A at https://x.test/a.pdf (a "url" source) omitted: not available to this model]',
          'found it',
        ].join('\n'),
      },
      { role: 'assistant', content: 'searched' },
    ]);
  });
});

describe('openAiToAnthropicResponse', () => {
  it('builds text, thinking and tool_use blocks with usage minus cache reads', () => {
    const upstream = ChatCompletionSchema.parse(
      chatCompletion(
        {
          id: 'chatcmpl-1',
          created: 1,
          model: 'deepseek-chat',
          usage: {
            prompt_tokens: 1200,
            completion_tokens: 30,
            total_tokens: 1230,
            prompt_tokens_details: { cached_tokens: 1000 },
          },
        },
        {
          content: 'Reading it.',
          reasoning_content: 'The user wants a.txt',
          tool_calls: [
            toolCall('call_9', 'Read', '{"path":"a.txt"}'),
            toolCall('call_10', 'Read', 'not json'),
          ],
        },
        'tool_calls',
      ),
    );
    expect(openAiToAnthropicResponse(upstream, { model: 'claude-sonnet-4-5' })).toEqual({
      id: 'chatcmpl-1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'thinking', thinking: 'The user wants a.txt', signature: '' },
        { type: 'text', text: 'Reading it.' },
        { type: 'tool_use', id: 'call_9', name: 'Read', input: { path: 'a.txt' } },
        { type: 'tool_use', id: 'call_10', name: 'Read', input: {} },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 200, output_tokens: 30, cache_read_input_tokens: 1000 },
    });
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['content_filter', 'refusal'],
  ])('maps finish_reason %s to stop_reason %s', (finish, stop) => {
    const upstream = ChatCompletionSchema.parse({
      id: 'x',
      model: 'm',
      choices: [{ index: 0, message: { content: 'hi' }, finish_reason: finish }],
    });
    expect(openAiToAnthropicResponse(upstream).stop_reason).toBe(stop);
  });
});

const chunk = chunksOf({ id: 'chatcmpl-7', model: 'gpt-x' });

const USAGE_CHUNK: ChatCompletionChunk = {
  id: 'chatcmpl-7',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-x',
  choices: [],
  usage: {
    prompt_tokens: 50,
    completion_tokens: 20,
    total_tokens: 70,
    prompt_tokens_details: { cached_tokens: 10 },
  },
};

describe('OpenAiToAnthropicStream', () => {
  it('emits Anthropic events in exact order for text followed by two tool calls', () => {
    const stream = new OpenAiToAnthropicStream({ model: 'claude-sonnet-4-5', id: 'msg_fallback' });
    const events: AnthropicStreamEvent[] = [];
    for (const item of [
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Let me ' }),
      chunk({ content: 'look.' }),
      chunk({
        tool_calls: [
          { index: 0, id: 'call_a', type: 'function', function: { name: 'Read', arguments: '' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"path":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"a.txt"}' } }] }),
      chunk({
        tool_calls: [
          { index: 1, id: 'call_b', type: 'function', function: { name: 'Read', arguments: '{}' } },
        ],
      }),
      chunk({}, 'tool_calls'),
      USAGE_CHUNK,
    ]) {
      events.push(...stream.push(item));
    }
    events.push(...stream.end(true));
    expect(events).toEqual([
      anthropicEvent.messageStart('chatcmpl-7', 'claude-sonnet-4-5', {
        input_tokens: 0,
        output_tokens: 0,
      }),
      ...anthropicEvent.textBlock(0, 'Let me ', 'look.'),
      ...anthropicEvent.toolBlock(1, 'call_a', 'Read', '{"path":', '"a.txt"}'),
      ...anthropicEvent.toolBlock(2, 'call_b', 'Read', '{}'),
      anthropicEvent.messageDelta('tool_use', {
        input_tokens: 40,
        output_tokens: 20,
        cache_read_input_tokens: 10,
      }),
      anthropicEvent.messageStop(),
    ]);
  });

  it('opens a thinking block for reasoning deltas before the text block', () => {
    const stream = new OpenAiToAnthropicStream({ model: 'm', id: 'msg_1' });
    const events = [
      ...stream.push(chunk({ reasoning_content: 'hmm' })),
      ...stream.push(chunk({ content: 'ok' }, 'stop')),
      ...stream.end(),
    ];
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[1]).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'thinking', thinking: '', signature: '' },
    });
    expect(events[7]).toMatchObject({ delta: { stop_reason: 'end_turn' } });
  });

  it.each([
    ['length', 'max_tokens'],
    ['content_filter', 'refusal'],
    ['stop', 'end_turn'],
  ] as const)('maps finish_reason %s to stop_reason %s', (finish, stop) => {
    const stream = new OpenAiToAnthropicStream({ model: 'm', id: 'msg_1' });
    const events = [...stream.push(chunk({ content: 'x' }, finish)), ...stream.end()];
    expect(events.find((e) => e.type === 'message_delta')).toMatchObject({
      delta: { stop_reason: stop },
    });
  });

  it('turns a stream error into an Anthropic error event and stops', () => {
    const stream = new OpenAiToAnthropicStream({ model: 'm', id: 'msg_1' });
    stream.push(chunk({ content: 'partial' }));
    const events = stream.push({
      kind: 'error',
      status: 429,
      type: 'rate_limit_error',
      message: 'slow down',
      code: null,
    });
    expect(events).toEqual([
      { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
    ]);
    expect(stream.push(chunk({ content: 'late' }))).toEqual([]);
    expect(stream.end()).toEqual([]);
  });

  it('ends a stream cut short with an error event, not message_stop', () => {
    const stream = new OpenAiToAnthropicStream({ model: 'm', id: 'msg_1' });
    stream.push(chunk({ content: 'partial' }));
    expect(stream.end()).toEqual([
      { type: 'error', error: { type: 'api_error', message: expect.stringContaining('ended') } },
    ]);
  });

  it('accepts [DONE] without a finish reason as end_turn, even for an empty answer', () => {
    const stream = new OpenAiToAnthropicStream({ model: 'm', id: 'msg_fallback' });
    const events = stream.end(true);
    expect(events.map((e) => e.type)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect(events[0]).toMatchObject({ message: { id: 'msg_fallback' } });
  });
});
