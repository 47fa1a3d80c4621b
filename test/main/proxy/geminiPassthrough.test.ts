import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutAt } from '../../app/formats/helpers.ts';
import { GEMINI_CALLER } from '../../../main/proxy/adapters/geminiCaller.ts';
import type { HubRequest } from '../../../main/proxy/adapter.ts';
import type { StreamRelay } from '../../../main/proxy/codec.ts';
import { loadShippedCatalog } from '../../../main/engine/providerDirectory.ts';
import { DEFAULT_CATALOG_PATH } from '../../../main/proxy/proxyService.ts';

const provider = loadShippedCatalog(DEFAULT_CATALOG_PATH).providers.find((p) => p.id === 'gemini')!;
const request = {
  id: 'r',
  kind: 'generate',
  inbound: 'gemini',
  body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
  model: 'gemini-2.5-flash',
  stream: true,
  promptChars: 2,
  maxTokens: undefined,
  receivedAt: 0,
} as unknown as HubRequest;

const chunk = (text: string, out: number, finish?: string) =>
  `data: ${JSON.stringify({
    candidates: [
      {
        content: { role: 'model', parts: [{ text }] },
        index: 0,
        ...(finish ? { finishReason: finish } : {}),
      },
    ],
    usageMetadata: { promptTokenCount: 7, candidatesTokenCount: out, totalTokenCount: 7 + out },
    modelVersion: 'gemini-2.5-flash',
  })}\r\n\r\n`;

const relay = () => GEMINI_CALLER.passthrough(request, provider).relay('gemini-2.5-flash');

describe('the Gemini passthrough relay', () => {
  it('forwards the stream as it came and counts the last usage', () => {
    const r = relay();
    const stream = [chunk('Hel', 1), chunk('lo', 2), chunk('!', 3, 'STOP')];
    const step = r.push(stream.join(''));
    expect(step.out).toBe(stream.join(''));
    const end = r.end();
    expect(end.error).toBeUndefined();
    expect(r.usage()).toMatchObject({ tokensIn: 7, tokensOut: 3 });
  });

  it('has the usage so far when a stream is cancelled between pushes', () => {
    const r = relay();
    r.push(chunk('Hel', 1));
    r.push(chunk('lo', 2) + chunk('!', 3).slice(0, 20));
    expect(r.usage()).toMatchObject({ tokensIn: 7, tokensOut: 2 });
  });

  it('keeps the usage so far when an error event ends the stream', () => {
    const r = relay();
    r.push(chunk('Hel', 1) + chunk('lo', 2));
    const step = r.push(
      `data: ${JSON.stringify({ error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } })}\n\n`,
    );
    expect(step.error).toMatchObject({ message: 'overloaded' });
    expect(r.usage()).toMatchObject({ tokensIn: 7, tokensOut: 2 });
  });
});

const arrayRequest = { ...request, jsonArrayStream: true } as unknown as HubRequest;
const arrayRelay = () =>
  GEMINI_CALLER.passthrough(arrayRequest, provider).relay('gemini-2.5-flash');

type Usage = { promptTokenCount: number; candidatesTokenCount: number } | undefined;
const payload = (text: string, usage: Usage, finish?: string) => ({
  candidates: [
    {
      content: { role: 'model', parts: [{ text }] },
      index: 0,
      ...(finish ? { finishReason: finish } : {}),
    },
  ],
  ...(usage ? { usageMetadata: usage } : {}),
  modelVersion: 'gemini-2.5-flash',
});

/** Google's framing: pretty-printed elements, `,\r\n` between them. */
const asArray = (values: unknown[]) =>
  `[${values.map((v) => JSON.stringify(v, null, 2)).join(',\r\n')}]`;

/** What a client receives from a relay fed `pieces`, then the error text if there is one. */
function relayed(r: StreamRelay, pieces: string[]): string {
  let out = '';
  for (const piece of pieces) {
    const step = r.push(piece);
    out += step.out;
    if (step.error) return out + r.errorText(step.error);
  }
  const last = r.end();
  return last.error ? out + last.out + r.errorText(last.error) : out + last.out;
}

const tricky = fc.string({
  unit: fc.constantFrom('a', '{', '}', '[', ']', '"', '\\', ',', '\n', 'é', '😀', ':'),
  maxLength: 12,
});
const usageArb: fc.Arbitrary<Usage> = fc.option(
  fc.record({ promptTokenCount: fc.nat(1000), candidatesTokenCount: fc.nat(1000) }),
  { nil: undefined },
);
const chunks = fc.array(fc.tuple(tricky, usageArb), { minLength: 1, maxLength: 6 });

/** The usage a relay must report: every chunk parsed, the last one that carries usage. */
function parsedUsage(values: Array<ReturnType<typeof payload>>) {
  const last = values.filter((v) => v.usageMetadata !== undefined).at(-1)?.usageMetadata;
  return { tokensIn: last?.promptTokenCount ?? 0, tokensOut: last?.candidatesTokenCount ?? 0 };
}

describe('the Gemini passthrough relay, JSON array both sides', () => {
  it('asks the upstream for the JSON array, and SSE for an SSE caller', () => {
    const url = (req: HubRequest) =>
      GEMINI_CALLER.passthrough(req, provider).url(provider, 'gemini-2.5-flash', true);
    expect(url(arrayRequest)).toMatch(/:streamGenerateContent$/);
    expect(url(request)).toMatch(/:streamGenerateContent\?alt=sse$/);
  });

  it('forwards the upstream bytes as they came, wherever the reads cut them', () => {
    fc.assert(
      fc.property(chunks, fc.array(fc.nat(), { maxLength: 8 }), (list, points) => {
        const values = list.map(([text, usage], i) =>
          payload(text, usage, i === list.length - 1 ? 'STOP' : undefined),
        );
        const text = `${asArray(values)}\n`;
        expect(relayed(arrayRelay(), cutAt(text, points))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('an upstream that dies mid-array: whole elements, then the error, one array the SDK reads', () => {
    fc.assert(
      fc.property(chunks, fc.nat(), (list, at) => {
        const values = list.map(([text, usage]) => payload(text, usage));
        const text = asArray(values);
        const r = arrayRelay();
        const out = relayed(r, [text.slice(0, at % text.length)]);
        const parsed = JSON.parse(out) as Array<Record<string, unknown>>;
        expect(parsed.at(-1)).toMatchObject({ error: { code: 502 } });
        expect(parsed.slice(0, -1)).toEqual(values.slice(0, parsed.length - 1));
      }),
      { numRuns: 300 },
    );
  });

  it('an array closed without a finish still ends with the truncation error inside it', () => {
    const text = asArray([payload('Hel', undefined), payload('lo', undefined)]);
    const out = relayed(arrayRelay(), [text]);
    const parsed = JSON.parse(out) as unknown[];
    expect(parsed).toHaveLength(3);
    expect(parsed[2]).toMatchObject({ error: { code: 502 } });
  });

  it('an error element upstream becomes the caller’s error, Google’s message kept', () => {
    const error = { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } };
    const out = relayed(arrayRelay(), [asArray([payload('Hel', undefined), error])]);
    expect(JSON.parse(out)).toEqual([
      payload('Hel', undefined),
      { error: { ...error.error, details: [] } },
    ]);
  });

  it('text that is not a JSON array is a malformed stream', () => {
    const r = arrayRelay();
    expect(r.push('data: {}\n\n').error).toMatchObject({ code: 'malformed_stream' });
  });
});

describe('the usage a Gemini passthrough reports', () => {
  for (const [mode, make, frame] of [
    [
      'SSE',
      relay,
      (values: unknown[]) => values.map((v) => `data: ${JSON.stringify(v)}\n\n`).join(''),
    ],
    ['JSON array', arrayRelay, asArray],
  ] as const) {
    it(`${mode}: equals what parsing every chunk gives, when the stream ends or is cut off`, () => {
      fc.assert(
        fc.property(
          chunks,
          fc.array(fc.nat(), { maxLength: 6 }),
          fc.boolean(),
          (list, points, ends) => {
            const values = list.map(([text, usage], i) =>
              payload(text, usage, i === list.length - 1 ? 'STOP' : undefined),
            );
            const r = make();
            const pieces = cutAt(frame(values), points);
            // A cancelled stream: the last piece never comes, and the relay is never ended.
            const fed = ends ? pieces : pieces.slice(0, -1);
            let seen = 0;
            let text = '';
            for (const piece of fed) text += (r.push(piece), piece);
            if (ends) r.end();
            // The chunks the relay has whole: those the text so far holds in full.
            for (let i = 1; i <= values.length; i++)
              if (text.length >= frame(values.slice(0, i)).length - (mode === 'JSON array' ? 1 : 0))
                seen = i;
            expect(r.usage()).toEqual(parsedUsage(values.slice(0, seen)));
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});
