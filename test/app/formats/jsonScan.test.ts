import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keysPattern, looksLikeObject, rareKeysPattern } from '../../../app/formats/jsonScan.ts';
import { isOrdinaryOpenAiChunk } from '../../../app/formats/openaiWire.ts';

describe('keysPattern', () => {
  const usage = keysPattern(['usage']);

  it('finds a key with a value other than null, at any depth and with any spacing', () => {
    expect(usage.test('{"usage":{"prompt_tokens":1}}')).toBe(true);
    expect(usage.test('{"a":{"usage" : 0}}')).toBe(true);
    expect(usage.test('{"usage":\n  false}')).toBe(true);
    expect(usage.test('{"usage":null}')).toBe(false);
    expect(usage.test('{"usage":   null}')).toBe(false);
    expect(usage.test('{"usage": null,"b":{"usage":2}}')).toBe(true);
  });

  it('never takes text inside a string, or a longer key, for the key', () => {
    expect(usage.test('{"content":"\\"usage\\": 5"}')).toBe(false);
    expect(usage.test('{"content":"say \\"usage\\""}')).toBe(false);
    expect(usage.test('{"x_usage":1,"usage_x":2}')).toBe(false);
    expect(usage.test('{"content":"usage"}')).toBe(false);
    const finish = rareKeysPattern(['finish_reason']);
    expect(finish.test('{"my_finish_reason":"stop","reason":1}')).toBe(false);
    expect(finish.test('{"my_finish_reason":"stop","finish_reason":"stop"}')).toBe(true);
  });

  it('rareKeysPattern answers as keysPattern, whatever its quick first search finds', () => {
    const names = ['error', 'usage', 'finish_reason', 'usageMetadata', 'data'];
    const exact = keysPattern(names);
    const keys = rareKeysPattern(names);
    const text = fc.string({
      unit: fc.constantFrom('"', ' ', ':', '\\', 'null', 'x', 'ror', 'age', 'son', 'ata', ...names),
      maxLength: 12,
    });
    fc.assert(
      fc.property(text, (t) => {
        expect(keys.test(t)).toBe(exact.test(t));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('looksLikeObject', () => {
  it('is an object frame, not a parse', () => {
    expect(looksLikeObject('{}')).toBe(true);
    expect(looksLikeObject('{"id":"c","choi')).toBe(false);
    expect(looksLikeObject('[DONE]')).toBe(false);
    expect(looksLikeObject('')).toBe(false);
  });
});

const tricky = fc.string({
  unit: fc.constantFrom(
    'a',
    ' ',
    '"',
    '\\',
    ':',
    'null',
    '"usage":1',
    '"error":{}',
    'finish_reason',
  ),
  maxLength: 8,
});
const chunkArb = fc.record(
  {
    id: tricky,
    choices: fc.array(
      fc.record(
        {
          index: fc.nat(3),
          delta: fc.record({ content: tricky }, { requiredKeys: [] }),
          finish_reason: fc.constantFrom(null, 'stop', 'length'),
        },
        { requiredKeys: ['index', 'delta'] },
      ),
      { maxLength: 2 },
    ),
    usage: fc.constantFrom(null, { prompt_tokens: 1, completion_tokens: 2 }),
    error: fc.constantFrom(null, { message: 'x' }),
    x_groq: fc.record({ usage: fc.constantFrom(null, { prompt_tokens: 1 }) }),
  },
  { requiredKeys: ['id', 'choices'] },
);

describe('isOrdinaryOpenAiChunk', () => {
  it('is true exactly for a chunk without error, usage or finish reason, however it is spaced', () => {
    fc.assert(
      fc.property(chunkArb, fc.constantFrom(0, 1, 2, '   '), (chunk, space) => {
        const data = JSON.stringify(chunk, null, space);
        const ordinary =
          (chunk.error ?? null) === null &&
          (chunk.usage ?? null) === null &&
          (chunk.x_groq?.usage ?? null) === null &&
          chunk.choices.every((c) => (c.finish_reason ?? null) === null);
        expect(isOrdinaryOpenAiChunk(data)).toBe(ordinary);
      }),
      { numRuns: 1000 },
    );
  });

  it('sends the end marker, a cut-off object and anything else to the parser', () => {
    for (const data of ['[DONE]', '{"id":"c","choi', 'not json', ' {"choices":[]}'])
      expect(isOrdinaryOpenAiChunk(data)).toBe(false);
  });
});
