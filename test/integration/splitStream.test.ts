import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScratchEngine, type ScratchEngine } from '../harness/scratchEngine.ts';

/*
 * A provider whose stream reaches the engine in pieces cut inside events, as a fast model's
 * answer does through a busy socket: each piece ends an event the last one began, then brings
 * whole events and the start of the next. The relay hands such a piece over as two parts (the
 * completed event, then the run after it), written together; the client must read the stream
 * exactly as it was sent, with the secret mask still applied to each event whole.
 */
const PROXY_KEY = 'sy-proxy-split-stream-test';
const KEY = 'sk-split-stream-secret-key';

const chunk = (delta: string, finish: string | null) =>
  `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":${delta},"finish_reason":${finish}}]}\n\n`;
const STREAM = [
  chunk('{"role":"assistant","content":""}', null),
  ...Array.from({ length: 40 }, (_, i) => chunk(`{"content":"token ${i} "}`, null)),
  chunk(`{"content":"the key: ${KEY}"}`, null),
  chunk('{}', '"stop"'),
  'data: [DONE]\n\n',
].join('');
/** Piece length: a few events each, never cut at an event's end. */
const PIECE = 397;

let provider: Server;
let scratch: ScratchEngine;

beforeAll(async () => {
  provider = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"object":"list","data":[{"id":"gpt-4o-mini","object":"model"}]}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      void (async () => {
        for (let at = 0; at < STREAM.length; at += PIECE) {
          res.write(STREAM.slice(at, at + PIECE));
          // Apart in time, so the engine reads each piece on its own.
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        res.end();
      })();
    });
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  scratch = await startScratchEngine({
    name: 'split',
    files: {
      'config.json': {
        version: 1,
        providers: {
          openai: { baseUrl: `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1` },
        },
        keys: [{ id: 'split', provider: 'openai', label: 'split', secret: { env: 'SY_SPLIT' } }],
        routes: [{ name: 'split', targets: [{ provider: 'openai', model: 'gpt-4o-mini' }] }],
      },
    },
    proxyKey: PROXY_KEY,
    env: { SY_SPLIT: KEY },
    log: () => undefined,
  });
});

afterAll(async () => {
  await scratch?.close();
  await new Promise<void>((resolve) => (provider ? provider.close(() => resolve()) : resolve()));
});

describe('a stream whose pieces are cut inside events', () => {
  it('reaches the client exactly as sent, the key masked', async () => {
    const res = await request(`${scratch.engine.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PROXY_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'split',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(res.statusCode).toBe(200);
    const received = await res.body.text();
    expect(received).not.toContain(KEY);
    const masked = received.split('\n\n').find((event) => event.includes('the key: '));
    expect(masked).toBeDefined();
    expect(received).toBe(
      STREAM.replace(`"the key: ${KEY}"`, masked!.match(/"the key: [^"]*"/)![0]),
    );
  });
});
