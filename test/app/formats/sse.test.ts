import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SseEvent } from '../../../app/formats/sse.ts';
import { SseParser, encodeSseEvent } from '../../../app/formats/sse.ts';

function parseAll(chunks: string[]): { events: SseEvent[]; parser: SseParser } {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  for (const chunk of chunks) events.push(...parser.push(chunk));
  events.push(...parser.end());
  return { events, parser };
}

describe('SseParser', () => {
  it('parses named events with multi-line data, ids and retry', () => {
    const text =
      'event: message_start\ndata: {"a":1}\n\n' +
      'id: 7\nretry: 1500\ndata: line one\ndata: line two\n\n' +
      'data: after id\n\n';
    const { events } = parseAll([text]);
    expect(events).toEqual([
      { event: 'message_start', data: '{"a":1}' },
      { data: 'line one\nline two', id: '7', retry: 1500 },
      { data: 'after id', id: '7' },
    ]);
  });

  it('handles LF, CRLF and CR line ends alike', () => {
    const expected = [{ event: 'x', data: 'one' }, { data: 'two' }];
    expect(parseAll(['event: x\ndata: one\n\ndata: two\n\n']).events).toEqual(expected);
    expect(parseAll(['event: x\r\ndata: one\r\n\r\ndata: two\r\n\r\n']).events).toEqual(expected);
    expect(parseAll(['event: x\rdata: one\r\rdata: two\r\r']).events).toEqual(expected);
  });

  it('does not read a CRLF split across chunks as two line ends', () => {
    const { events } = parseAll(['data: a\r', '\ndata: b\r', '\n\r', '\n']);
    expect(events).toEqual([{ data: 'a\nb' }]);
  });

  it('strips one leading BOM, only at the very start', () => {
    expect(parseAll(['\uFEFFdata: x\n\n']).events).toEqual([{ data: 'x' }]);
    expect(parseAll(['', '\uFEFFdata: x\n\n']).events).toEqual([{ data: 'x' }]);
    // A BOM later in the stream is part of a field name, so the line is an unknown field.
    expect(parseAll(['data: x\n\n\uFEFFdata: y\n\n']).events).toEqual([{ data: 'x' }]);
  });

  it('counts comments without turning them into events', () => {
    const { events, parser } = parseAll([': keep-alive\n\n: keep-alive\n\ndata: token\n\n']);
    expect(events).toEqual([{ data: 'token' }]);
    expect(parser.comments).toBe(2);
  });

  it('strips exactly one space after the colon and reads a field without colon', () => {
    const { events } = parseAll([
      'data:no space\n\ndata:  two spaces\n\ndata\n\nevent\ndata: x\n\n',
    ]);
    expect(events).toEqual([
      { data: 'no space' },
      { data: ' two spaces' },
      { data: '' },
      { data: 'x' },
    ]);
  });

  it('dispatches nothing for a block without data and ignores invalid retry and NUL ids', () => {
    const { events } = parseAll(['event: lonely\n\nretry: 12a\nid: a\0b\ndata: x\n\n']);
    expect(events).toEqual([{ data: 'x' }]);
  });

  it('discards an event cut off at the end of the stream, as the spec says', () => {
    const parser = new SseParser();
    expect(parser.push('data: complete\n\ndata: partial\n')).toEqual([{ data: 'complete' }]);
    expect(parser.end()).toEqual([]);
    expect(parser.discardedAtEnd).toBe(true);
    parser.push('data: whole\n\n');
    parser.end();
    expect(parser.discardedAtEnd).toBe(false);
  });
});

describe('encodeSseEvent', () => {
  it('writes one data line per line of data', () => {
    expect(encodeSseEvent({ data: 'x' })).toBe('data: x\n\n');
    expect(encodeSseEvent({ event: 'ping', data: 'a\nb\r\nc' })).toBe(
      'event: ping\ndata: a\ndata: b\ndata: c\n\n',
    );
  });

  it('round-trips through the parser', () => {
    const data = '{"text":"two\\nlines"}\nsecond';
    expect(parseAll([encodeSseEvent({ event: 'e', data })]).events).toEqual([{ event: 'e', data }]);
  });
});

const fieldText = fc.string({
  unit: fc.constantFrom('a', 'b', ' ', ':', '{', '"', 'é', '😀', '\uFEFF'),
});
const eventArb = fc.record(
  {
    event: fc.stringMatching(/^[a-z_]{1,12}$/),
    data: fc.array(fieldText, { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: ['data'] },
);
const newline = fc.constantFrom('\n', '\r\n', '\r');

/** Serializes events with a random line end per line and random comments between events. */
const streamArb = fc
  .array(fc.tuple(eventArb, newline, fc.boolean()), { minLength: 1, maxLength: 8 })
  .map((items) => {
    let text = '';
    const expected: SseEvent[] = [];
    for (const [event, nl, comment] of items) {
      if (comment) text += `: keep-alive${nl}`;
      if (event.event !== undefined) text += `event: ${event.event}${nl}`;
      for (const line of event.data) text += `data: ${line}${nl}`;
      text += nl;
      const parsed: SseEvent = { data: event.data.join('\n') };
      if (event.event !== undefined) parsed.event = event.event;
      expected.push(parsed);
    }
    return { text, expected };
  });

function splitAt(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let last = 0;
  for (const point of points) {
    chunks.push(text.slice(last, point));
    last = point;
  }
  chunks.push(text.slice(last));
  return chunks;
}

describe('SseParser properties', () => {
  it('yields the same events however a valid stream is split into chunks', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(), { maxLength: 12 }), ({ text, expected }, cuts) => {
        const { events, parser } = parseAll(splitAt(text, cuts));
        expect(events).toEqual(expected);
        expect(parser.discardedAtEnd).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('yields the same events fed one character at a time', () => {
    fc.assert(
      fc.property(streamArb, ({ text, expected }) => {
        expect(parseAll([...text]).events).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
