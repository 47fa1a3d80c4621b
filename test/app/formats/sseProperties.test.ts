import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from '../../../app/formats/sse.ts';

/*
 * What sse.test.ts's properties do not generate: a leading BOM on the whole stream, `id:` and
 * `retry:` fields, and arbitrary text (NUL, lone CRs, half fields) in arbitrary chunks.
 */
function parseChunks(chunks: string[]): SseEvent[] {
  const parser = new SseParser();
  return [...chunks.flatMap((c) => parser.push(c)), ...parser.end()];
}

function cut(text: string, points: number[]): string[] {
  const sorted = [...new Set(points.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const point of sorted) {
    pieces.push(text.slice(from, point));
    from = point;
  }
  pieces.push(text.slice(from));
  return pieces;
}

const line = fc.oneof(
  fc.constantFrom(
    'data: a',
    'data:',
    'data',
    'event: e',
    'id: 7',
    'id: a\u0000b',
    'retry: 30',
    'retry: x',
    ': c',
    '',
  ),
  fc.string({
    unit: fc.constantFrom('d', 'a', 't', ':', ' ', '\u0000', '\uFEFF', 'é', '😀'),
    maxLength: 12,
  }),
);
const newline = fc.constantFrom('\n', '\r\n', '\r');
const anyStream = fc
  .array(fc.tuple(line, newline), { maxLength: 20 })
  .map((lines) => lines.map(([l, nl]) => l + nl).join(''));

describe('SseParser on anything', () => {
  it('never throws, and how the text is cut never changes the events', () => {
    fc.assert(
      fc.property(anyStream, fc.array(fc.nat(), { maxLength: 8 }), (text, points) => {
        expect(parseChunks(cut(text, points))).toEqual(parseChunks([text]));
      }),
      { numRuns: 1000 },
    );
  });

  it('reads a stream the same with one leading BOM, whichever chunk carries it', () => {
    fc.assert(
      fc.property(anyStream, fc.array(fc.nat(), { maxLength: 4 }), (text, points) => {
        fc.pre(!text.startsWith('\uFEFF'));
        expect(parseChunks(cut(`\uFEFF${text}`, points))).toEqual(parseChunks([text]));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary Unicode', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 6 }),
        (chunks) => {
          expect(() => parseChunks(chunks)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });
});
