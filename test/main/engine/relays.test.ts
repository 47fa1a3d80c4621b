import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from '../../../app/formats/sse.ts';
import { codecFor } from '../../../main/engine/codecs.ts';
import { DEFAULT_CATALOG_PATH } from '../../../main/engine/proxyService.ts';
import { loadShippedCatalog } from '../../../main/engine/providerDirectory.ts';
import type { ProxyRequest } from '../../../main/engine/proxyRequest.ts';
import {
  anthropicPassthroughRelay,
  openAiPassthroughRelay,
  SseBlockSplitter,
} from '../../../main/engine/relays.ts';
import type { StreamRelay } from '../../../main/engine/codec.ts';

function parse(text: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()];
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

/** What a client receives from a relay fed `pieces`: each step's text, then the error text if any. */
function relayed(relay: StreamRelay, pieces: string[]): string {
  let out = '';
  for (const piece of pieces) {
    const step = relay.push(piece);
    out += step.out;
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

describe('SseBlockSplitter', () => {
  it('hands back exactly the text it was given, cut only after blank lines', () => {
    fc.assert(
      fc.property(sseText, fc.array(fc.nat(), { maxLength: 10 }), (text, points) => {
        const splitter = new SseBlockSplitter();
        const blocks = cut(text, points).flatMap((piece) => splitter.push(piece));
        expect(blocks.join('') + splitter.rest).toBe(text);
        // Cutting never changes how the text parses, and the rest holds no whole event.
        const parser = new SseParser();
        const events = blocks.flatMap((block) => parser.push(block));
        expect(parser.push(splitter.rest)).toEqual([]);
        expect(events).toEqual(new SseParser().push(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('reads a CRLF split across two chunks as one line end', () => {
    const splitter = new SseBlockSplitter();
    expect(splitter.push('data: a\r')).toEqual([]);
    expect(splitter.push('\n\r')).toEqual(['data: a\r\n\r']);
    // The LF completes the CR before it: it starts no blank line of its own.
    expect(splitter.push('\ndata: b\n')).toEqual([]);
    expect(splitter.push('\n')).toEqual(['\ndata: b\n\n']);
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
          const out = relayed(openAiPassthroughRelay(), cut(OPENAI_STREAM.slice(0, end), points));
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

describe('an error sent with HTTP 200 in place of an answer', () => {
  const catalog = loadShippedCatalog(DEFAULT_CATALOG_PATH);
  const provider = (id: string) => catalog.providers.find((p) => p.id === id)!;
  const request = (inbound: 'openai' | 'anthropic'): ProxyRequest => ({
    id: 'r',
    kind: inbound === 'openai' ? 'chat' : 'messages',
    inbound,
    body: {
      model: 'x',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    },
    model: 'x',
    stream: false,
    promptChars: 2,
    maxTokens: 10,
    receivedAt: 0,
  });

  it('from Gemini is a failed attempt with Gemini’s own message, not an empty answer', () => {
    const codec = codecFor(request('openai'), {
      provider: provider('gemini'),
      model: 'gemini-2.0-flash',
      keyId: 'k',
      tier: 'free',
    });
    if ('unsupported' in codec) throw new Error(codec.unsupported);
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
    const codec = codecFor(request('anthropic'), {
      provider: provider('anthropic'),
      model: 'claude-haiku-4-5',
      keyId: 'k',
      tier: 'free',
    });
    if ('unsupported' in codec) throw new Error(codec.unsupported);
    const decoded = codec.decode(
      JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      'claude-haiku-4-5',
    );
    expect(decoded).toMatchObject({ ok: false, error: { status: 529, message: 'Overloaded' } });
  });
});
