import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OpenAiChunkReader } from '../../../app/formats/openaiChunkReader.ts';
import { parseOpenAiStreamData } from '../../../app/formats/openaiWire.ts';

const text = fc.string({
  unit: fc.constantFrom('a', 'b', ' ', '"', '\\', '\n', '\t', '\u0001', 'é', '😀', '}'),
  maxLength: 6,
});

/** A chunk as providers write them: one envelope for most of the stream, sometimes another. */
const chunkData = fc
  .record({
    id: fc.constantFrom('c1', 'c1', 'c1', 'c2'),
    role: fc.boolean(),
    content: fc.option(text, { nil: undefined }),
    finish: fc.constantFrom(null, null, null, 'stop'),
    usage: fc.boolean(),
    tool: fc.boolean(),
    choices: fc.constantFrom(1, 1, 1, 0, 2),
  })
  .map(({ id, role, content, finish, usage, tool, choices }) => {
    const delta = {
      ...(role ? { role: 'assistant' } : {}),
      ...(content !== undefined ? { content } : {}),
      ...(tool ? { tool_calls: [{ index: 0, function: { arguments: '{"content":"x"}' } }] } : {}),
    };
    const choice = { index: 0, delta, logprobs: null, finish_reason: finish };
    return JSON.stringify({
      id,
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: Array.from({ length: choices }, (_, index) => ({ ...choice, index })),
      ...(usage ? { usage: null } : {}),
    });
  });

/** A chunk's own bytes with its text swapped for any raw characters, valid JSON or not. */
const HEAD =
  '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"';
const TAIL = '"},"finish_reason":null}]}';
const rawData = fc
  .string({
    unit: fc.constantFrom('a', '"', '\\', 'u', '0', '\u0001', ' ', '}', 'n'),
    maxLength: 8,
  })
  .map((raw) => HEAD + raw + TAIL);

/** Bytes that repeat a chunk's envelope but move, repeat or nest its content key. */
const tricky = fc.constantFrom(
  HEAD + 'x' + TAIL,
  '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"y","content":"z"},"finish_reason":null}]}',
  '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}],"extra":{"content":"x"}}',
  '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}],"error":null}',
  '{"error":{"message":"x"},"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]}',
  HEAD + '\\u0078' + TAIL,
  // The one plain `"content":"` is another field holding the same text as the (escaped) delta's.
  '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","extra":{"content":"x"},"choices":[{"index":0,"delta":{"\\u0063ontent":"x"},"finish_reason":null}]}',
  '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","extra":{"content":"y"},"choices":[{"index":0,"delta":{"\\u0063ontent":"x"},"finish_reason":null}]}',
  '[DONE]',
  '{"choices":',
);

describe('OpenAiChunkReader', () => {
  it('reads every payload exactly as parseOpenAiStreamData does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(chunkData, chunkData, rawData, tricky), { maxLength: 30 }),
        (datas) => {
          const reader = new OpenAiChunkReader();
          for (const data of datas) expect(reader.read(data)).toEqual(parseOpenAiStreamData(data));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads a run of text chunks from the one before, each its own object', () => {
    const reader = new OpenAiChunkReader();
    const first = reader.read(HEAD + 'Hello' + TAIL);
    const second = reader.read(HEAD + ' there' + TAIL);
    const third = reader.read(HEAD + ' there' + TAIL);
    expect(second).toEqual(parseOpenAiStreamData(HEAD + ' there' + TAIL));
    if (typeof second !== 'object' || 'kind' in second) throw new Error('not a chunk');
    if (typeof third !== 'object' || 'kind' in third) throw new Error('not a chunk');
    second.choices[0]!.delta.content = 'changed';
    expect(third.choices[0]!.delta.content).toBe(' there');
    expect(first).toEqual(parseOpenAiStreamData(HEAD + 'Hello' + TAIL));
  });
});
