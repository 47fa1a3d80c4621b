/**
 * The streams the translators produce, read by the official SDKs through an in-memory fetch
 * (no sockets): the SDKs are the clients that must accept them.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { encodeAnthropicEvent } from '../../../app/formats/anthropic.ts';
import { OpenAiToAnthropicStream } from '../../../app/formats/anthropicInboundStream.ts';
import { AnthropicToOpenAiStream } from '../../../app/formats/anthropicTargetStream.ts';
import { OPENAI_DONE, encodeOpenAiStreamItem } from '../../../app/formats/openaiWire.ts';
import { anthropicEvent, anthropicSse, chunksOf, translateSse } from './helpers.ts';

function sseFetch(body: string): typeof fetch {
  return async () =>
    new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

const ANTHROPIC_TOOL_STREAM = anthropicSse([
  anthropicEvent.messageStart('msg_1', 'claude-x', { input_tokens: 20, output_tokens: 1 }),
  ...anthropicEvent.textBlock(0, 'Checking.'),
  ...anthropicEvent.toolBlock(1, 'toolu_1', 'lookup', '{"q": "sw', 'itchyard"}'),
  anthropicEvent.messageDelta('tool_use', { output_tokens: 12 }),
  anthropicEvent.messageStop(),
]);

function openAiBody(anthropicText: string, includeUsage: boolean): string {
  const items = translateSse(
    [anthropicText],
    new AnthropicToOpenAiStream({ created: 1, includeUsage }),
  );
  let body = items.map(encodeOpenAiStreamItem).join('');
  if (!items.some((i) => 'kind' in i)) body += OPENAI_DONE;
  return body;
}

describe('openai SDK reading translated streams', () => {
  it('accumulates text and a streamed tool call from an Anthropic upstream', async () => {
    const client = new OpenAI({
      apiKey: 'test',
      baseURL: 'http://proxy.test/v1',
      fetch: sseFetch(openAiBody(ANTHROPIC_TOOL_STREAM, true)),
    });
    const stream = client.chat.completions.stream({
      model: 'route',
      messages: [{ role: 'user', content: 'x' }],
      stream_options: { include_usage: true },
    });
    const completion = await stream.finalChatCompletion();
    const message = completion.choices[0]?.message;
    expect(message?.content).toBe('Checking.');
    expect(
      message?.tool_calls?.map((c) =>
        c.type === 'function' ? [c.id, c.function.name, c.function.arguments] : [],
      ),
    ).toEqual([['toolu_1', 'lookup', '{"q": "switchyard"}']]);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.usage?.total_tokens).toBe(32);
  });

  it('throws on an Anthropic error event after HTTP 200, instead of ending quietly', async () => {
    const upstream = anthropicSse([
      {
        type: 'message_start',
        message: { id: 'm', model: 'c', usage: { input_tokens: 1, output_tokens: 0 } },
      },
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    ]);
    const client = new OpenAI({
      apiKey: 'test',
      baseURL: 'http://proxy.test/v1',
      maxRetries: 0,
      fetch: sseFetch(openAiBody(upstream, false)),
    });
    const stream = await client.chat.completions.create({
      model: 'r',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    await expect(async () => {
      for await (const _chunk of stream) {
        // drain
      }
    }).rejects.toThrow(/Overloaded/);
  });
});

const chunk = chunksOf({ id: 'chatcmpl-1', model: 'gpt' });

describe('Anthropic SDK reading translated streams', () => {
  it('builds the final message from an OpenAI upstream, tool input parsed', async () => {
    const translator = new OpenAiToAnthropicStream({ model: 'my-route', id: 'msg_x' });
    const events = [
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Reading.' }),
      chunk({
        tool_calls: [
          {
            index: 0,
            id: 'call_1',
            type: 'function',
            function: { name: 'Read', arguments: '{"path"' },
          },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ':"a.txt"}' } }] }),
      chunk({}, 'tool_calls'),
      {
        ...chunk({}),
        choices: [],
        usage: { prompt_tokens: 30, completion_tokens: 7, total_tokens: 37 },
      },
    ].flatMap((c) => translator.push(c));
    events.push(...translator.end(true));
    const client = new Anthropic({
      apiKey: 'test',
      baseURL: 'http://proxy.test',
      fetch: sseFetch(events.map(encodeAnthropicEvent).join('')),
    });
    const message = await client.messages
      .stream({ model: 'my-route', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] })
      .finalMessage();
    expect(message.content).toEqual([
      expect.objectContaining({ type: 'text', text: 'Reading.' }),
      expect.objectContaining({
        type: 'tool_use',
        id: 'call_1',
        name: 'Read',
        input: { path: 'a.txt' },
      }),
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 30, output_tokens: 7 });
  });

  it('throws the error event as an APIError with its type', async () => {
    const translator = new OpenAiToAnthropicStream({ model: 'm', id: 'msg_x' });
    const events = [
      ...translator.push(chunk({ content: 'partial' })),
      ...translator.push({
        kind: 'error',
        status: 529,
        type: 'service_unavailable_error',
        message: 'busy',
        code: null,
      }),
    ];
    const client = new Anthropic({
      apiKey: 'test',
      baseURL: 'http://proxy.test',
      maxRetries: 0,
      fetch: sseFetch(events.map(encodeAnthropicEvent).join('')),
    });
    const stream = client.messages.stream({
      model: 'm',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'x' }],
    });
    await expect(stream.finalMessage()).rejects.toMatchObject({ type: 'overloaded_error' });
  });
});
