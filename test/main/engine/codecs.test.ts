import { describe, expect, it } from 'vitest';
import { codecFor } from '../../../main/proxy/codecs.ts';
import { loadShippedCatalog } from '../../../main/engine/providerDirectory.ts';
import type { ProxyRequest } from '../../../app/formats/proxyRequest.ts';
import { DEFAULT_CATALOG_PATH } from '../../../main/proxy/proxyService.ts';

/** A time far from the wall clock, so an answer stamped from Date.now() cannot pass by chance. */
const RECEIVED_AT = 1_000_000_000_000;

const catalog = loadShippedCatalog(DEFAULT_CATALOG_PATH);
const provider = (id: string) => catalog.providers.find((p) => p.id === id)!;

function chat(stream: boolean): ProxyRequest {
  return {
    id: 'r',
    kind: 'chat',
    inbound: 'openai',
    body: { model: 'x', messages: [{ role: 'user', content: 'hi' }] },
    model: 'x',
    stream,
    promptChars: 2,
    maxTokens: undefined,
    receivedAt: RECEIVED_AT,
  };
}

describe('translated answers are stamped from the injected clock', () => {
  it('a whole Anthropic answer carries the time the request was received', () => {
    const codec = codecFor(chat(false), {
      provider: provider('anthropic'),
      model: 'claude-haiku-4-5',
      keyId: 'k',
      tier: 'paid',
    });
    if ('unsupported' in codec) throw new Error(codec.unsupported);
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
    const codec = codecFor(chat(true), {
      provider: provider('gemini'),
      model: 'gemini-2.0-flash',
      keyId: 'k',
      tier: 'free',
    });
    if ('unsupported' in codec) throw new Error(codec.unsupported);
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
