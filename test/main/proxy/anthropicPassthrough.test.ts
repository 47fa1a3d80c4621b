import { describe, expect, it } from 'vitest';
import { SseParser } from '../../../app/formats/sse.ts';
import { signAnthropicThinking } from '../../../app/formats/thinkingSignature.ts';
import { anthropicPassthroughRelay } from '../../../main/proxy/adapters/anthropic.ts';

const event = (type: string, data: Record<string, unknown>) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

const STREAM = [
  event('message_start', {
    message: {
      id: 'm',
      type: 'message',
      role: 'assistant',
      content: [],
      usage: { input_tokens: 10, cache_read_input_tokens: 2, output_tokens: 1 },
    },
  }),
  event('ping', {}),
  event('content_block_start', {
    index: 0,
    content_block: { type: 'thinking', thinking: '', signature: '' },
  }),
  event('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'hm' } }),
  event('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: 'sig' } }),
  event('content_block_stop', { index: 0 }),
  event('content_block_start', {
    index: 1,
    content_block: { type: 'redacted_thinking', data: 'opaque' },
  }),
  event('content_block_stop', { index: 1 }),
  event('content_block_start', { index: 2, content_block: { type: 'text', text: '' } }),
  // Text that looks like the keys signing looks for is still text.
  event('content_block_delta', {
    index: 2,
    delta: { type: 'text_delta', text: '"signature": "redacted_thinking"' },
  }),
  event('content_block_stop', { index: 2 }),
  event('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 7 } }),
  event('message_stop', {}),
];

function relay(producer?: string) {
  const r = anthropicPassthroughRelay(producer);
  let out = '';
  let usage;
  for (const piece of STREAM) {
    const step = r.push(piece);
    expect(step.error).toBeUndefined();
    out += step.out;
    usage = r.usage();
  }
  expect(r.end().error).toBeUndefined();
  return { out, usage };
}

describe('the Anthropic passthrough relay', () => {
  it('forwards every event as it came, and counts usage, when nothing is signed', () => {
    const { out, usage } = relay();
    expect(out).toBe(STREAM.join(''));
    expect(usage).toEqual({ tokensIn: 12, tokensCached: 2, tokensOut: 7 });
  });

  it('signs thinking signatures and redacted thinking with the producer, and only those', () => {
    const producer = 'anthropic/claude-x';
    const { out } = relay(producer);
    const sent = new SseParser().push(out);
    const expected = new SseParser().push(STREAM.join('')).map((e) => {
      const signed = signAnthropicThinking(JSON.parse(e.data), producer);
      return signed === null ? e : { ...e, data: JSON.stringify(signed) };
    });
    expect(sent).toEqual(expected);
    const changed = sent.filter((e, i) => e.data !== new SseParser().push(STREAM[i]!)[0]!.data);
    expect(changed.map((e) => (JSON.parse(e.data) as { type: string }).type)).toEqual([
      'content_block_delta',
      'content_block_start',
    ]);
  });
});
