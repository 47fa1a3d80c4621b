import { describe, expect, it } from 'vitest';
import { OpenAiToAnthropicStream } from '../../../app/formats/anthropicInboundStream.ts';
import type { StreamError } from '../../../app/formats/common.ts';
import { GeminiToOpenAiStream } from '../../../app/formats/geminiTargetResponse.ts';
import type { ChatCompletionChunk } from '../../../app/formats/openai.ts';
import { parseOpenAiStreamData } from '../../../app/formats/openaiWire.ts';

/*
 * Stream chunks whose fields have the wrong shape, as found by the relay fuzz in
 * test/main/engine/relays.test.ts: each translator refuses them as malformed (or skips them)
 * instead of throwing a TypeError.
 */
describe('stream translators on chunks of the wrong shape', () => {
  it('parseOpenAiStreamData refuses a choice that is not an object', () => {
    const item = parseOpenAiStreamData(
      '{"id":"x","object":"chat.completion.chunk","choices":[null]}',
    );
    expect(item).toMatchObject({ kind: 'error', code: 'malformed_stream' });
  });

  it('OpenAiToAnthropicStream does not throw on tool_calls that are not an array', () => {
    const stream = new OpenAiToAnthropicStream({ model: 'm', id: 'msg_1' });
    const chunk = {
      id: 'x',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'm',
      choices: [{ index: 0, delta: { tool_calls: {} }, finish_reason: null }],
    } as unknown as ChatCompletionChunk;
    expect(() => stream.push(chunk)).not.toThrow();
  });

  it('GeminiToOpenAiStream refuses parts that are not an array', () => {
    const stream = new GeminiToOpenAiStream({
      created: 0,
      includeUsage: false,
      model: 'm',
      id: 'c',
      toolCallId: () => 't',
    });
    const items = stream.push({ data: '{"candidates":[{"content":{"role":"model","parts":0}}]}' });
    expect(items.some((i) => 'kind' in i && (i as StreamError).code === 'malformed_stream')).toBe(
      true,
    );
  });
});
