import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutAt } from '../../app/formats/helpers.ts';
import { SseParser, type SseEvent } from '../../../app/formats/sse.ts';
import { MAX_EVENT_CHARS } from '../../../main/proxy/relays.ts';
import { anthropicPassthroughRelay } from '../../../main/proxy/adapters/anthropic.ts';
import { geminiPassthrough } from '../../../main/proxy/adapters/geminiPassthrough.ts';
import { openAiPassthroughRelay } from '../../../main/proxy/adapters/openai.ts';
import type { StreamRelay } from '../../../main/proxy/codec.ts';
import { callerRequest, codecTo } from './codecFixtures.ts';

function parse(text: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()];
}

/**
 * What a client receives from a relay fed `pieces`: each step's text (its parts, as the engine
 * writes them, when it has them: they must spell its `out`), then the error text if any.
 */
function relayed(relay: StreamRelay, pieces: string[]): string {
  let out = '';
  for (const piece of pieces) {
    const step = relay.push(piece);
    if (step.parts !== undefined) expect(step.parts.join('')).toBe(step.out);
    out += step.parts === undefined ? step.out : step.parts[0] + step.parts[1];
    if (step.error) return out + relay.errorText(step.error);
  }
  const last = relay.end();
  out += last.out;
  return last.error ? out + relay.errorText(last.error) : out;
}

const sseText = fc.string({
  unit: fc.constantFrom('d', 'a', ':', ' ', '{', '"', '\n', '\r', 'é', '😀'),
  maxLength: 80,
});

describe('SseParser.blocks', () => {
  it('hands back exactly the text it was given, cut only after blank lines', () => {
    fc.assert(
      fc.property(sseText, fc.array(fc.nat(), { maxLength: 10 }), (text, points) => {
        const parser = new SseParser();
        const blocks = cutAt(text, points).flatMap((piece) => parser.blocks(piece));
        expect(blocks.map((b) => b.raw).join('') + parser.rest).toBe(text);
        // Cutting never changes how the text parses, and the rest holds no whole event.
        const events = blocks.flatMap((b) => (b.event === null ? [] : [b.event]));
        expect(new SseParser().push(parser.rest)).toEqual([]);
        expect(events).toEqual(new SseParser().push(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('reads a CRLF split across two chunks as one line end', () => {
    const parser = new SseParser();
    expect(parser.blocks('data: a\r')).toEqual([]);
    expect(parser.blocks('\n\r')).toEqual([{ raw: 'data: a\r\n\r', event: { data: 'a' } }]);
    // The LF completes the CR before it: it starts no blank line of its own.
    expect(parser.blocks('\ndata: b\n')).toEqual([]);
    expect(parser.blocks('\n')).toEqual([{ raw: '\ndata: b\n\n', event: { data: 'b' } }]);
  });
});

const chunk = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
const OPENAI_STREAM = `${chunk('Hello')}${chunk(' there')}: keep-alive\n\n${chunk('!', 'stop')}data: [DONE]\n\n`;

describe('passthrough relays never hand a client half an event', () => {
  it('an OpenAI stream cut anywhere reaches the client as whole events, then at most one error', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: OPENAI_STREAM.length - 1 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (end, points) => {
          const out = relayed(openAiPassthroughRelay(), cutAt(OPENAI_STREAM.slice(0, end), points));
          const events = parse(out);
          for (const event of events)
            if (event.data !== '[DONE]')
              expect(() => JSON.parse(event.data) as unknown).not.toThrow();
          // Either the stream is whole (it ended after the finish chunk) or one error ends it.
          const last = JSON.parse(events.at(-1)?.data ?? '{}') as {
            error?: { code: string };
            choices?: Array<{ finish_reason: string | null }>;
          };
          if (last.error) expect(last.error.code).toBe('stream_truncated');
          else expect(last.choices?.[0]?.finish_reason).toBe('stop');
          expect(events.filter((e) => e.data.includes('"error"'))).toHaveLength(last.error ? 1 : 0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a malformed event after good ones: the good ones pass, then the error, nothing half', () => {
    const out = relayed(openAiPassthroughRelay(), [
      `${chunk('Hello')}data: {"id":"c","choi`,
      'ces":[{"del\n\n',
    ]);
    const events = parse(out);
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[0]!.data)).toMatchObject({
      choices: [{ delta: { content: 'Hello' } }],
    });
    expect(JSON.parse(events[1]!.data)).toMatchObject({ error: { code: 'malformed_stream' } });
  });

  it('a first event framed as an object but not JSON fails the attempt before anything is sent', () => {
    // Caught before the start, it is a malformed answer the dispatcher can still fail over from;
    // taken as the start, it would commit the client to a stream its SDK cannot read.
    for (const text of ['{!}', '{1}', '{"id":"c",}']) {
      const relay = openAiPassthroughRelay();
      const step = relay.push(`data: ${text}\n\n${chunk('Hello')}`);
      expect(step).toMatchObject({ out: '', started: false, error: { code: 'malformed_stream' } });
    }
    // Gemini's JSON array, its first element the same.
    const array = geminiPassthrough(true).relay('m');
    const step = array.push('[{!},{"candidates":[{"content":{"parts":[{"text":"Hi"}]}}]}');
    expect(step).toMatchObject({ out: '', started: false, error: { code: 'malformed_stream' } });
  });

  const anthropicEvent = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const ANTHROPIC_START =
    anthropicEvent('message_start', {
      message: {
        id: 'm',
        type: 'message',
        role: 'assistant',
        content: [],
        usage: { input_tokens: 3, output_tokens: 0 },
      },
    }) +
    anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) +
    anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hi' } });

  it('an Anthropic event with malformed data becomes an error event, not JSON the SDK cannot read', () => {
    const out = relayed(anthropicPassthroughRelay(), [
      ANTHROPIC_START,
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_de\n\n',
    ]);
    const events = parse(out);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'error',
    ]);
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({
      type: 'error',
      error: { type: 'api_error', message: expect.stringMatching(/malformed/) },
    });
  });

  it('an Anthropic error event keeps its type and message', () => {
    const relay = anthropicPassthroughRelay();
    relay.push(ANTHROPIC_START);
    const step = relay.push(
      anthropicEvent('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }),
    );
    expect(step.error).toMatchObject({
      status: 529,
      message: 'Overloaded',
      code: 'overloaded_error',
    });
  });
});

describe('an endless event', () => {
  it('is cut off at MAX_EVENT_CHARS, passed through or translated', () => {
    const codec = codecTo(callerRequest('anthropic', true), 'openai');
    const megabyte = 'x'.repeat(1024 * 1024);
    for (const relay of [openAiPassthroughRelay(), codec.relay('m')]) {
      let step = relay.push('data: ');
      for (let i = 0; i <= MAX_EVENT_CHARS / megabyte.length && !step.error; i++)
        step = relay.push(megabyte);
      expect(step.error?.message).toMatch(/larger than 16 MiB/);
    }
  });
});

describe('an error sent with HTTP 200 in place of an answer', () => {
  it('from Gemini is a failed attempt with Gemini’s own message, not an empty answer', () => {
    const codec = codecTo(callerRequest('openai', false), 'gemini', 'gemini-2.0-flash');
    const decoded = codec.decode(
      JSON.stringify({
        error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' },
      }),
      'gemini-2.0-flash',
    );
    expect(decoded).toMatchObject({
      ok: false,
      error: { status: 503, message: 'The model is overloaded.' },
    });
  });

  it('from Anthropic, for an Anthropic caller, keeps Anthropic’s error type', () => {
    const codec = codecTo(callerRequest('anthropic', false), 'anthropic', 'claude-haiku-4-5');
    const decoded = codec.decode(
      JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      'claude-haiku-4-5',
    );
    expect(decoded).toMatchObject({ ok: false, error: { status: 529, message: 'Overloaded' } });
  });
});

describe('translating relays survive whatever an upstream streams', () => {
  const junk = fc.jsonValue({ maxDepth: 2 });
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, junk);
  const text = fc.string({ maxLength: 6 });
  const openAiChunk = fc.record({
    id: maybe(text),
    object: fc.constant('chat.completion.chunk'),
    choices: fc.array(
      maybe(
        fc.record({
          index: maybe(fc.nat(3)),
          delta: maybe(
            fc.record({
              role: maybe(fc.constant('assistant')),
              content: maybe(text),
              reasoning_content: maybe(text),
              tool_calls: maybe(
                fc.array(
                  fc.record({
                    index: maybe(fc.nat(3)),
                    id: maybe(text),
                    type: fc.constant('function'),
                    function: maybe(fc.record({ name: maybe(text), arguments: maybe(text) })),
                  }),
                  { maxLength: 2 },
                ),
              ),
            }),
          ),
          finish_reason: maybe(fc.constantFrom(null, 'stop', 'length', 'tool_calls', 'error')),
        }),
      ),
      { maxLength: 2 },
    ),
    usage: maybe(fc.record({ prompt_tokens: maybe(fc.nat()), completion_tokens: maybe(fc.nat()) })),
  });
  const anthropicEvent = fc.record({
    type: fc.constantFrom(
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
      'ping',
      'error',
      'other',
    ),
    index: maybe(fc.nat(3)),
    message: maybe(
      fc.record({ id: maybe(text), usage: maybe(fc.record({ input_tokens: maybe(fc.nat()) })) }),
    ),
    content_block: maybe(
      fc.record({
        type: fc.constantFrom('text', 'tool_use', 'thinking', 'x'),
        id: maybe(text),
        name: maybe(text),
        text: maybe(text),
        input: junk,
      }),
    ),
    delta: maybe(
      fc.record({
        type: fc.constantFrom('text_delta', 'input_json_delta', 'thinking_delta', 'x'),
        text: maybe(text),
        partial_json: maybe(text),
        stop_reason: maybe(fc.constantFrom('end_turn', 'tool_use', 'max_tokens', null)),
      }),
    ),
    usage: maybe(fc.record({ output_tokens: maybe(fc.nat()) })),
    error: maybe(fc.record({ type: maybe(text), message: maybe(text) })),
  });
  const geminiChunk = fc.record({
    candidates: maybe(
      fc.array(
        maybe(
          fc.record({
            content: maybe(
              fc.record({
                role: maybe(fc.constant('model')),
                parts: maybe(
                  fc.array(
                    maybe(
                      fc.oneof(
                        fc.record({ text: maybe(text), thought: maybe(fc.boolean()) }),
                        fc.record({
                          functionCall: maybe(fc.record({ name: maybe(text), args: junk })),
                        }),
                      ),
                    ),
                    { maxLength: 2 },
                  ),
                ),
              }),
            ),
            finishReason: maybe(fc.constantFrom('STOP', 'MAX_TOKENS', 'SAFETY', 'OTHER')),
          }),
        ),
        { maxLength: 2 },
      ),
    ),
    usageMetadata: maybe(
      fc.record({ promptTokenCount: maybe(fc.nat()), candidatesTokenCount: maybe(fc.nat()) }),
    ),
    error: fc.option(fc.record({ code: maybe(fc.nat(600)), message: maybe(text) }), {
      nil: undefined,
    }),
  });
  const event = (data: fc.Arbitrary<unknown>) =>
    fc
      .tuple(
        fc.option(fc.constantFrom('message_start', 'content_block_delta', 'error', 'x'), {
          nil: undefined,
        }),
        fc.oneof(data, junk, fc.constant('[DONE]'), text),
      )
      .map(
        ([name, value]) =>
          `${name === undefined ? '' : `event: ${name}\n`}data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`,
      );
  const streams = {
    openai: fc.array(event(openAiChunk), { maxLength: 8 }),
    anthropic: fc.array(
      anthropicEvent.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`),
      { maxLength: 8 },
    ),
    gemini: fc.array(event(geminiChunk), { maxLength: 8 }),
  };

  for (const inbound of ['openai', 'anthropic'] as const)
    for (const format of ['openai', 'anthropic', 'gemini'] as const) {
      it(`${format} upstream, ${inbound} caller: no throw, and the caller gets whole JSON events`, () => {
        const codec = codecTo(callerRequest(inbound, true), format);
        fc.assert(
          fc.property(streams[format], fc.array(fc.nat(), { maxLength: 4 }), (events, points) => {
            const upstream = events.join('');
            const out = relayed(codec.relay('m'), cutAt(upstream, points));
            const sent = new Set(parse(upstream).map((e) => e.data));
            parse(out).forEach((e, i) => {
              if (e.data === '[DONE]') return;
              // Same format, once started, the provider's events go as it wrote them (scanned,
              // not parsed); the one that starts the stream is JSON, or nothing is sent.
              if (inbound === format && i > 0 && sent.has(e.data)) return;
              expect(() => JSON.parse(e.data) as unknown).not.toThrow();
            });
          }),
          { numRuns: 300 },
        );
      });
    }
});

describe('whole (non-streamed) answers of any shape', () => {
  const junk = fc.jsonValue({ maxDepth: 3 });
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, junk);
  const text = fc.string({ maxLength: 6 });
  const answers = {
    openai: fc.record({
      id: maybe(text),
      choices: maybe(
        fc.array(
          maybe(
            fc.record({
              message: maybe(
                fc.record({
                  role: maybe(fc.constant('assistant')),
                  content: maybe(text),
                  tool_calls: maybe(
                    fc.array(
                      maybe(
                        fc.record({
                          id: maybe(text),
                          function: maybe(fc.record({ name: maybe(text), arguments: maybe(text) })),
                        }),
                      ),
                    ),
                  ),
                }),
              ),
              finish_reason: maybe(fc.constantFrom('stop', 'tool_calls', null)),
            }),
          ),
        ),
      ),
      usage: maybe(
        fc.record({ prompt_tokens: maybe(fc.nat()), completion_tokens: maybe(fc.nat()) }),
      ),
    }),
    anthropic: fc.record({
      type: maybe(fc.constantFrom('message', 'error')),
      role: maybe(fc.constant('assistant')),
      content: maybe(
        fc.array(
          maybe(
            fc.record({
              type: fc.constantFrom('text', 'tool_use', 'thinking'),
              text: maybe(text),
              id: maybe(text),
              name: maybe(text),
              input: junk,
            }),
          ),
        ),
      ),
      stop_reason: maybe(fc.constantFrom('end_turn', 'tool_use', null)),
      usage: maybe(fc.record({ input_tokens: maybe(fc.nat()), output_tokens: maybe(fc.nat()) })),
    }),
    gemini: fc.record({
      candidates: maybe(
        fc.array(
          maybe(
            fc.record({
              content: maybe(
                fc.record({
                  parts: maybe(
                    fc.array(
                      maybe(
                        fc.record({
                          text: maybe(text),
                          functionCall: maybe(fc.record({ name: maybe(text), args: junk })),
                        }),
                      ),
                    ),
                  ),
                }),
              ),
              finishReason: maybe(text),
            }),
          ),
        ),
      ),
      usageMetadata: maybe(fc.record({ promptTokenCount: maybe(fc.nat()) })),
    }),
  };
  for (const inbound of ['openai', 'anthropic'] as const)
    for (const format of ['openai', 'anthropic', 'gemini'] as const)
      it(`${format} answer, ${inbound} caller: decoded or refused, never thrown`, () => {
        const codec = codecTo(callerRequest(inbound, false), format);
        fc.assert(
          fc.property(fc.oneof(answers[format], junk), (answer) => {
            const decoded = codec.decode(JSON.stringify(answer), 'm');
            if (decoded.ok) {
              expect(() => JSON.parse(decoded.body) as unknown).not.toThrow();
              expect(Number.isFinite(decoded.usage.tokensIn)).toBe(true);
              expect(Number.isFinite(decoded.usage.tokensOut)).toBe(true);
            }
          }),
          { numRuns: 300 },
        );
      });
});

describe('a stream cancelled before its end', () => {
  const anthropicStart =
    'event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message",' +
    '"role":"assistant","content":[],"usage":{"input_tokens":11,"output_tokens":1}}}\n\n' +
    'event: content_block_start\ndata: {"type":"content_block_start","index":0,' +
    '"content_block":{"type":"text","text":""}}\n\n' +
    'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,' +
    '"delta":{"type":"text_delta","text":"Hi"}}\n\n';
  const geminiChunk =
    'data: {"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"}]},"index":0}],' +
    '"usageMetadata":{"promptTokenCount":13,"totalTokenCount":13}}\n\n';

  it('translated from Anthropic: the relay reports the input tokens it has seen', () => {
    const relay = codecTo(callerRequest('openai', true), 'anthropic').relay('m');
    expect(relay.push(anthropicStart).error).toBeUndefined();
    expect(relay.usage()).toMatchObject({ tokensIn: 11, tokensOut: 1 });
  });

  it('translated from Gemini: the relay reports the usage of the last chunk', () => {
    for (const inbound of ['openai', 'anthropic'] as const) {
      const relay = codecTo(callerRequest(inbound, true), 'gemini').relay('m');
      expect(relay.push(geminiChunk).error).toBeUndefined();
      expect(relay.usage()).toMatchObject({ tokensIn: 13, tokensOut: 0 });
    }
  });
});
