import { describe, expect, it } from 'vitest';
import { callerRequest, codecTo } from './codecFixtures.ts';

/** A time far from the wall clock, so an answer stamped from Date.now() cannot pass by chance. */
const RECEIVED_AT = 1_000_000_000_000;

const chat = (stream: boolean) => callerRequest('openai', stream, RECEIVED_AT);

describe('translated answers are stamped from the injected clock', () => {
  it('a whole Anthropic answer carries the time the request was received', () => {
    const codec = codecTo(chat(false), 'anthropic', 'claude-haiku-4-5', 'paid');
    const decoded = codec.decode(
      JSON.stringify({
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-haiku-4-5',
        content: [{ type: 'text', text: 'hello' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 1, output_tokens: 1 },
      }),
      'claude-haiku-4-5',
    );
    if (!decoded.ok) throw new Error(decoded.error.message);
    expect((JSON.parse(decoded.body) as { created: number }).created).toBe(RECEIVED_AT / 1000);
  });

  it('a Gemini stream’s chunks carry the time the request was received', () => {
    const codec = codecTo(chat(true), 'gemini', 'gemini-2.0-flash');
    const relay = codec.relay('gemini-2.0-flash');
    const step = relay.push(
      `data: ${JSON.stringify({
        candidates: [{ content: { role: 'model', parts: [{ text: 'hello' }] }, index: 0 }],
      })}\n\n`,
    );
    const created = [...step.out.matchAll(/"created":(\d+)/g)].map((m) => Number(m[1]));
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created)).toEqual(new Set([RECEIVED_AT / 1000]));
  });
});
