import { describe, expect, it } from 'vitest';
import { AnthropicToOpenAiStream } from '../../../app/formats/anthropicTargetStream.ts';
import type { OpenAiStreamItem } from '../../../app/formats/openai.ts';
import { accumulate, anthropicEvent, anthropicSse, cut, translateSse } from './helpers.ts';

const MESSAGE_START = {
  type: 'message_start',
  message: {
    id: 'msg_01XYZ',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: {
      input_tokens: 472,
      output_tokens: 2,
      cache_read_input_tokens: 1000,
      cache_creation_input_tokens: 0,
    },
  },
};

/** A realistic tool-use stream, as Anthropic sends it (docs' streaming example, two tools). */
const TOOL_STREAM = [
  MESSAGE_START,
  anthropicEvent.textStart(0),
  { type: 'ping' },
  anthropicEvent.text(0, 'Okay, let me check '),
  anthropicEvent.text(0, 'the weather.'),
  anthropicEvent.stop(0),
  ...anthropicEvent.toolBlock(
    1,
    'toolu_01T1x',
    'get_weather',
    '',
    '{"location":',
    ' "San Fra',
    'ncisco, CA"}',
  ),
  ...anthropicEvent.toolBlock(2, 'toolu_02T2y', 'get_time', '{"tz": "PST"}'),
  anthropicEvent.messageDelta('tool_use', { output_tokens: 89 }),
  anthropicEvent.messageStop(),
];

function run(
  events: Array<Record<string, unknown> & { type: string }>,
  includeUsage = true,
  sizes = [7, 13, 1],
) {
  const translator = new AnthropicToOpenAiStream({ created: 1700000000, includeUsage });
  const items = translateSse(cut(anthropicSse(events), sizes), translator);
  return { items, translator };
}

describe('AnthropicToOpenAiStream', () => {
  it('translates text and two streamed tool calls, reassembling partial JSON arguments', () => {
    const { items, translator } = run(TOOL_STREAM);
    const first = items[0];
    expect(first && !('kind' in first) ? first.choices[0]?.delta : null).toEqual({
      role: 'assistant',
      content: '',
    });
    const acc = accumulate(items);
    expect(acc.error).toBeNull();
    expect(acc.content).toBe('Okay, let me check the weather.');
    expect(acc.toolCalls).toEqual([
      { id: 'toolu_01T1x', name: 'get_weather', arguments: '{"location": "San Francisco, CA"}' },
      { id: 'toolu_02T2y', name: 'get_time', arguments: '{"tz": "PST"}' },
    ]);
    expect(JSON.parse(acc.toolCalls[0]?.arguments ?? '')).toEqual({
      location: 'San Francisco, CA',
    });
    expect(acc.finishReason).toBe('tool_calls');
    expect(acc.usage).toEqual({
      prompt_tokens: 1472,
      completion_tokens: 89,
      total_tokens: 1561,
      prompt_tokens_details: { cached_tokens: 1000 },
    });
    expect(translator.finishReason).toBe('tool_calls');
    const ids = new Set(items.map((i) => ('kind' in i ? null : i.id)));
    expect(ids).toEqual(new Set(['msg_01XYZ']));
  });

  it('sends the usage chunk last, with no choices, only when asked', () => {
    const withUsage = run(TOOL_STREAM).items;
    const last = withUsage.at(-1);
    expect(last && !('kind' in last) ? last.choices : null).toEqual([]);
    const without = accumulate(run(TOOL_STREAM, false).items);
    expect(without.usage).toBeNull();
    expect(without.finishReason).toBe('tool_calls');
  });

  it('gives the same result however the SSE text is cut', () => {
    const reference = accumulate(run(TOOL_STREAM, true, [100000]).items);
    for (const sizes of [[1], [2, 3], [17], [64, 1, 5]]) {
      expect(accumulate(run(TOOL_STREAM, true, sizes).items)).toEqual(reference);
    }
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['refusal', 'content_filter'],
    ['tool_use', 'tool_calls'],
    ['pause_turn', 'stop'],
  ])('maps stop_reason %s to finish_reason %s', (stop, finish) => {
    const { items } = run([
      MESSAGE_START,
      ...anthropicEvent.textBlock(0, 'Hi'),
      {
        type: 'message_delta',
        delta: { stop_reason: stop, stop_sequence: null },
        usage: { output_tokens: 3 },
      },
      anthropicEvent.messageStop(),
    ]);
    expect(accumulate(items).finishReason).toBe(finish);
  });

  it('passes thinking as reasoning_content and ignores signatures', () => {
    const { items } = run([
      MESSAGE_START,
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'thinking_delta', thinking: 'Let me think.' },
      },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM' },
      },
      anthropicEvent.stop(0),
      ...anthropicEvent.textBlock(1, '42'),
      anthropicEvent.messageDelta('end_turn', { output_tokens: 9 }),
      anthropicEvent.messageStop(),
    ]);
    const acc = accumulate(items);
    expect(acc.reasoning).toBe('Let me think.');
    expect(acc.content).toBe('42');
    expect(JSON.stringify(items)).not.toContain('EqQBCgIYAhIM');
  });

  it('turns an error event after HTTP 200 into a stream error and ignores what follows', () => {
    const { items } = run([
      MESSAGE_START,
      anthropicEvent.textStart(0),
      anthropicEvent.text(0, 'Partial'),
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      anthropicEvent.text(0, ' ignored'),
      anthropicEvent.messageStop(),
    ]);
    const errors = items.filter((i) => 'kind' in i);
    expect(errors).toEqual([
      {
        kind: 'error',
        status: 529,
        type: 'service_unavailable_error',
        message: 'Overloaded',
        code: 'overloaded_error',
      },
    ]);
    expect(items.at(-1)).toBe(errors[0]);
    expect(accumulate(items).content).toBe('Partial');
  });

  it('reports a stream that ends before message_stop as truncated, never as a success', () => {
    const { items } = run(TOOL_STREAM.slice(0, -1));
    const last = items.at(-1) as OpenAiStreamItem;
    expect(last).toMatchObject({
      kind: 'error',
      truncated: true,
      status: 502,
      code: 'stream_truncated',
    });
    const cutMidEvent = new AnthropicToOpenAiStream({ created: 0, includeUsage: false });
    const text = anthropicSse(TOOL_STREAM);
    const partial = translateSse([text.slice(0, text.length - 5)], cutMidEvent);
    expect(partial.at(-1)).toMatchObject({ kind: 'error', truncated: true });
  });

  it('reports malformed JSON as a stream error', () => {
    const translator = new AnthropicToOpenAiStream({ created: 0, includeUsage: false });
    expect(translator.push({ event: 'content_block_delta', data: '{"type":' })).toMatchObject([
      { kind: 'error', code: 'malformed_stream' },
    ]);
    expect(translator.end()).toEqual([]);
  });

  it('keeps the caller-facing model name when given', () => {
    const translator = new AnthropicToOpenAiStream({
      created: 5,
      includeUsage: false,
      model: 'fast',
    });
    const items = translateSse([anthropicSse(TOOL_STREAM)], translator);
    for (const item of items) if (!('kind' in item)) expect(item.model).toBe('fast');
  });
});
