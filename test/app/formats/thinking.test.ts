import { describe, expect, it } from 'vitest';
import type { AnthropicStreamEvent } from '../../../app/formats/anthropic.ts';
import { MessagesRequestSchema } from '../../../app/formats/anthropic.ts';
import {
  anthropicToOpenAiRequest,
  openAiToAnthropicResponse,
} from '../../../app/formats/anthropicInbound.ts';
import { OpenAiToAnthropicStream } from '../../../app/formats/anthropicInboundStream.ts';
import { openAiToGeminiRequest, withGeminiThinking } from '../../../app/formats/geminiTarget.ts';
import { ChatCompletionSchema } from '../../../app/formats/openai.ts';
import {
  readSignature,
  signAnthropicThinking,
  signThinking,
  thinkingForAnthropicTarget,
} from '../../../app/formats/thinkingSignature.ts';
import { anthropicEvent, chunksOf, toolCall } from './helpers.ts';

const GEMINI = 'gemini/gemini-3-pro';
const DEEPSEEK = 'deepseek/deepseek-reasoner';

/** A Claude Code history whose assistant turn was written by `producer`. */
function history(producer: string) {
  return MessagesRequestSchema.parse({
    model: 'route',
    max_tokens: 100,
    messages: [
      { role: 'user', content: 'weather?' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Need a tool.', signature: signThinking(producer) },
          { type: 'thinking', thinking: '', signature: signThinking(producer, 'R2VtaW5pU2ln') },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } },
          { type: 'redacted_thinking', data: 'opaque' },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '3C' }] },
    ],
  });
}

describe('thinking signatures', () => {
  it('name the producer, even one with colons and slashes, and keep the payload', () => {
    const producer = 'openrouter/meta-llama/llama-3.2-3b-instruct:free';
    expect(readSignature(signThinking(producer, 'c2ln'))).toEqual({ producer, payload: 'c2ln' });
    expect(readSignature('EqQBCkYIBxgCKkD…anthropic')).toBeNull();
  });

  it('give an Anthropic model its own signed thinking back as it was, and drop the rest', () => {
    const HAIKU = 'anthropic/claude-haiku-4-5';
    const body = {
      messages: [
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'mine', signature: signThinking(HAIKU, 'EqQB') },
            { type: 'redacted_thinking', data: signThinking(HAIKU, 'c2VjcmV0') },
            {
              type: 'thinking',
              thinking: 'opus',
              signature: signThinking('anthropic/claude-opus-4-5', 'Ab'),
            },
            { type: 'thinking', thinking: 'gemini', signature: signThinking(GEMINI) },
            { type: 'thinking', thinking: 'old', signature: 'raw-anthropic-signature' },
            { type: 'text', text: 'hi' },
          ],
        },
      ],
    };
    const out = thinkingForAnthropicTarget(body, HAIKU) as typeof body;
    expect(out.messages[0]!.content).toEqual([
      { type: 'thinking', thinking: 'mine', signature: 'EqQB' },
      { type: 'redacted_thinking', data: 'c2VjcmV0' },
      { type: 'thinking', thinking: 'old', signature: 'raw-anthropic-signature' },
      { type: 'text', text: 'hi' },
    ]);
    const untouched = { messages: [{ role: 'user', content: 'x' }] };
    expect(thinkingForAnthropicTarget(untouched, HAIKU)).toBe(untouched);
  });

  it('sign an Anthropic answer and its stream events with the model that wrote them', () => {
    const HAIKU = 'anthropic/claude-haiku-4-5';
    expect(
      signAnthropicThinking(
        {
          type: 'message',
          content: [
            { type: 'thinking', thinking: 't', signature: 'EqQB' },
            { type: 'redacted_thinking', data: 'c2VjcmV0' },
            { type: 'text', text: 'x' },
          ],
        },
        HAIKU,
      ),
    ).toEqual({
      type: 'message',
      content: [
        { type: 'thinking', thinking: 't', signature: signThinking(HAIKU, 'EqQB') },
        { type: 'redacted_thinking', data: signThinking(HAIKU, 'c2VjcmV0') },
        { type: 'text', text: 'x' },
      ],
    });
    const delta = {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'signature_delta', signature: 'EqQB' },
    };
    expect(signAnthropicThinking(delta, HAIKU)).toEqual({
      ...delta,
      delta: { type: 'signature_delta', signature: signThinking(HAIKU, 'EqQB') },
    });
    const text = anthropicEvent.text(1, 'x');
    expect(signAnthropicThinking(text, HAIKU)).toBeNull();
  });
});

describe('Anthropic caller → hub', () => {
  it('gives the producing model its thinking and thought signature back', () => {
    const result = anthropicToOpenAiRequest(history(GEMINI), { target: GEMINI });
    if (!result.ok) throw new Error(result.error.message);
    const assistant = result.value.messages[1] as Record<string, unknown> & {
      tool_calls: Array<{ extra_content?: unknown }>;
    };
    expect(assistant.reasoning_content).toBe('Need a tool.');
    expect(assistant.tool_calls[0]!.extra_content).toEqual({
      google: { thought_signature: 'R2VtaW5pU2ln' },
    });
    const gemini = openAiToGeminiRequest(result.value);
    if (!gemini.ok) throw new Error(gemini.error.message);
    expect(gemini.value.contents[1]!.parts).toEqual([
      { text: 'Need a tool.', thought: true },
      {
        functionCall: { name: 'get_weather', args: { city: 'Oslo' } },
        thoughtSignature: 'R2VtaW5pU2ln',
      },
    ]);
  });

  it('drops thinking another model wrote', () => {
    const result = anthropicToOpenAiRequest(history(GEMINI), { target: DEEPSEEK });
    if (!result.ok) throw new Error(result.error.message);
    const raw = JSON.stringify(result.value);
    expect(raw).not.toContain('Need a tool.');
    expect(raw).not.toContain('R2VtaW5pU2ln');
  });
});

describe('hub → Anthropic caller', () => {
  const completion = ChatCompletionSchema.parse({
    id: 'c1',
    model: 'm',
    choices: [
      {
        index: 0,
        message: {
          content: null,
          reasoning: 'OpenRouter-style reasoning.',
          tool_calls: [toolCall('call_1', 'get_weather', '{"city":"Oslo"}', 'c2ln')],
        },
        finish_reason: 'tool_calls',
      },
    ],
  });

  it('signs thinking with its producer and carries a tool call signature before its tool_use', () => {
    const message = openAiToAnthropicResponse(completion, { producer: GEMINI });
    expect(message.content).toEqual([
      {
        type: 'thinking',
        thinking: 'OpenRouter-style reasoning.',
        signature: signThinking(GEMINI),
      },
      { type: 'thinking', thinking: '', signature: signThinking(GEMINI, 'c2ln') },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } },
    ]);
  });

  it('signs streamed thinking before the block closes, and the tool call signature likewise', () => {
    const stream = new OpenAiToAnthropicStream({ model: 'm', id: 'msg_1', producer: GEMINI });
    const chunk = chunksOf({ id: 'c', model: 'm' });
    const events: AnthropicStreamEvent[] = [
      ...stream.push(chunk({ reasoning_content: 'hmm' })),
      ...stream.push(
        chunk({
          tool_calls: [
            {
              index: 0,
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{}' },
              extra_content: { google: { thought_signature: 'c2ln' } },
            },
          ],
        }),
      ),
      ...stream.push(chunk({}, 'tool_calls')),
      ...stream.end(true),
    ];
    const signatures = events.flatMap((e) =>
      e.type === 'content_block_delta' && e.delta.type === 'signature_delta'
        ? [{ index: e.index, signature: e.delta.signature }]
        : [],
    );
    expect(signatures).toEqual([
      { index: 0, signature: signThinking(GEMINI) },
      { index: 1, signature: signThinking(GEMINI, 'c2ln') },
    ]);
    const starts = events.flatMap((e) =>
      e.type === 'content_block_start' ? [e.content_block.type] : [],
    );
    expect(starts).toEqual(['thinking', 'thinking', 'tool_use']);
  });
});

describe('Anthropic thinking setting → Gemini', () => {
  const base = { contents: [], generationConfig: { maxOutputTokens: 100 } };
  it('asks for thoughts when thinking is enabled or adaptive, never with a budget', () => {
    for (const thinking of [{ type: 'adaptive' }, { type: 'enabled', budget_tokens: 31999 }])
      expect(withGeminiThinking(base, thinking).generationConfig).toEqual({
        maxOutputTokens: 100,
        thinkingConfig: { includeThoughts: true },
      });
  });
  it('leaves the request alone when thinking is off or not asked for', () => {
    expect(withGeminiThinking(base, { type: 'disabled' })).toBe(base);
    expect(withGeminiThinking(base, undefined)).toBe(base);
  });
});
