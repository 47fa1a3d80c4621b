import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutAt } from './helpers.ts';
import { SseParser, type SseEvent } from '../../../app/formats/sse.ts';

/*
 * What sse.test.ts's properties do not generate: a leading BOM on the whole stream, `id:` and
 * `retry:` fields, and arbitrary text (NUL, lone CRs, half fields) in arbitrary chunks.
 */
function parseChunks(chunks: string[]): SseEvent[] {
  const parser = new SseParser();
  return [...chunks.flatMap((c) => parser.push(c)), ...parser.end()];
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
        expect(parseChunks(cutAt(text, points))).toEqual(parseChunks([text]));
      }),
      { numRuns: 1000 },
    );
  });

  it('reads a stream the same with one leading BOM, whichever chunk carries it', () => {
    fc.assert(
      fc.property(anyStream, fc.array(fc.nat(), { maxLength: 4 }), (text, points) => {
        fc.pre(!text.startsWith('\uFEFF'));
        expect(parseChunks(cutAt(`\uFEFF${text}`, points))).toEqual(parseChunks([text]));
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

const runLine = fc.constantFrom(
  'data: {"a":1}',
  'data:{}',
  'data: {"b":"x y"}',
  'data:  {}',
  'data: {',
  'data: [DONE]',
  'event: e',
  'id: 7',
  'retry: 3',
  ': c',
  '',
);
/** Streams of mostly plain `data: {...}` events, so runs happen, mixed with everything else. */
const runStream = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.tuple(runLine, fc.constantFrom('\n', '\n', '\n', '\n', '\r\n', '\r')), {
      maxLength: 24,
    }),
  )
  .map(([bom, lines]) => (bom ? '\uFEFF' : '') + lines.map(([l, nl]) => l + nl).join(''));

describe('SseParser.blocksOrRun', () => {
  it('returns a run only of plain object events, and otherwise exactly what blocks returns', () => {
    fc.assert(
      fc.property(
        runStream,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        (text, points, accepting) => {
          const parser = new SseParser();
          const reference = new SseParser();
          for (const piece of cutAt(text, points)) {
            const got = parser.blocksOrRun(piece, () => accepting);
            const expected = reference.blocks(piece);
            if (!Array.isArray(got) && got.lead + got.run !== '') {
              expect(accepting).toBe(true);
              expect(got.lead + got.run).toBe(expected.map((b) => b.raw).join(''));
              // The lead is the one block the held text began, the run a slice of this piece.
              if (got.lead !== '') expect(got.lead).toBe(expected[0]!.raw);
              expect(piece.includes(got.run)).toBe(true);
              for (const { event } of expected) {
                expect(event).not.toBeNull();
                expect(event!.event).toBeUndefined();
                expect(event!.retry).toBeUndefined();
                expect(event!.data.startsWith('{') && event!.data.endsWith('}')).toBe(true);
              }
            } else {
              expect(Array.isArray(got) ? got : []).toEqual(expected);
            }
            expect(parser.rest).toBe(reference.rest);
          }
          expect(parser.end()).toEqual(reference.end());
          expect(parser.discardedAtEnd).toBe(reference.discardedAtEnd);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('passes the run to accept whole, and a refused run comes back as blocks', () => {
    const parser = new SseParser();
    const seen: string[] = [];
    const text = 'data: {"a":1}\n\ndata:{}\n\ndata: {"b"';
    expect(parser.blocksOrRun(text, (run) => (seen.push(run), false))).toEqual([
      { raw: 'data: {"a":1}\n\n', event: { data: '{"a":1}' } },
      { raw: 'data:{}\n\n', event: { data: '{}' } },
    ]);
    expect(seen).toEqual(['data: {"a":1}\n\ndata:{}\n\n']);
  });

  it('hands the block the held text began apart from the run after it, each asked of accept', () => {
    const parser = new SseParser();
    const seen: string[] = [];
    const accept = (run: string) => (seen.push(run), true);
    expect(parser.blocksOrRun('data: {"a":1}\n\ndata: {"b"', accept)).toEqual({
      lead: '',
      run: 'data: {"a":1}\n\n',
    });
    expect(parser.blocksOrRun(':2}\n\ndata: {}\n\ndata: {"c":', accept)).toEqual({
      lead: 'data: {"b":2}\n\n',
      run: 'data: {}\n\n',
    });
    // No block ends: nothing, and the held block grows. Then a held line end whose blank line
    // opens the next text.
    expect(parser.blocksOrRun('3}\n', accept)).toEqual([]);
    expect(parser.blocksOrRun('\ndata: {}\n\n', accept)).toEqual({
      lead: 'data: {"c":3}\n\n',
      run: 'data: {}\n\n',
    });
    expect(seen).toEqual([
      'data: {"a":1}\n\n',
      'data: {"b":2}\n\n',
      'data: {}\n\n',
      'data: {"c":3}\n\n',
      'data: {}\n\n',
    ]);
  });
});

/** Streams framed as Google frames them (CRLF), now and then with a lone CR or LF. */
const crlfStream = (ends: fc.Arbitrary<string>) =>
  fc
    .tuple(fc.boolean(), fc.array(fc.tuple(fc.oneof(runLine, line), ends), { maxLength: 24 }))
    .map(([bom, lines]) => (bom ? '\uFEFF' : '') + lines.map(([l, nl]) => l + nl).join(''));

describe('SseParser on CRLF line ends', () => {
  it('reads CRLF-only text as it reads the same text with LF, however it is cut', () => {
    fc.assert(
      fc.property(
        crlfStream(fc.constant('\r\n')),
        fc.array(fc.nat(), { maxLength: 8 }),
        (text, points) => {
          const parser = new SseParser();
          const blocks = cutAt(text, points).flatMap((piece) => parser.blocks(piece));
          expect(blocks.map((b) => b.raw).join('') + parser.rest).toBe(text);
          expect(parseChunks(cutAt(text, points))).toEqual(
            parseChunks([text.replaceAll('\r\n', '\n')]),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads mostly-CRLF text with stray CRs and LFs the same however it is cut', () => {
    const ends = fc.constantFrom('\r\n', '\r\n', '\r\n', '\r\n', '\r', '\n');
    fc.assert(
      fc.property(crlfStream(ends), fc.array(fc.nat(), { maxLength: 8 }), (text, points) => {
        const parser = new SseParser();
        const blocks = cutAt(text, points).flatMap((piece) => parser.blocks(piece));
        expect(blocks.map((b) => b.raw).join('') + parser.rest).toBe(text);
        expect(parseChunks(cutAt(text, points))).toEqual(parseChunks([text]));
      }),
      { numRuns: 1000 },
    );
  });
});
