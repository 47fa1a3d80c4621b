import { describe, expect, it } from 'vitest';
import { GEMINI_CALLER } from '../../../main/proxy/adapters/geminiCaller.ts';
import type { HubRequest } from '../../../main/proxy/adapter.ts';
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
    expect(end.usage).toMatchObject({ tokensIn: 7, tokensOut: 3 });
  });

  it('has the usage so far after every push, as a cancelled stream records it', () => {
    const r = relay();
    expect(r.push(chunk('Hel', 1) + chunk('lo', 2)).usage).toMatchObject({
      tokensIn: 7,
      tokensOut: 2,
    });
  });

  it('keeps the usage so far when an error event ends the stream', () => {
    const r = relay();
    r.push(chunk('Hel', 1) + chunk('lo', 2));
    const step = r.push(
      `data: ${JSON.stringify({ error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } })}\n\n`,
    );
    expect(step.error).toMatchObject({ message: 'overloaded' });
    expect(step.usage).toMatchObject({ tokensIn: 7, tokensOut: 2 });
  });
});
