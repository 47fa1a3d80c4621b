/**
 * Slow clients cannot hold sockets forever. Headers must arrive within the server's header
 * bound (else the connection is dropped, before any authentication), a body within its body
 * bound (else 408 in the caller's own error format, and the connection is closed), while a
 * streaming answer that lasts longer than both bounds is never cut. The bounds are shortened
 * here (EngineOptions.serverTimeouts); their defaults are in main/server/httpServer.ts.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/engine/engine.ts';
import { startScratchEngine, type ScratchEngine } from '../harness/scratchEngine.ts';
import { startMockProvider } from '../mocks/mockProvider.ts';
import type { MockProvider } from '../mocks/types.ts';
import { httpRequest, rawExchange } from './rawHttp.ts';

const PROXY_KEY = 'sy-slow-clients-proxy-key-0123456789';
const KEY_ENV = 'SY_SLOW_CLIENTS_OPENAI_KEY';
const HEADERS_MS = 300;
const BODY_MS = 300;

let mock: MockProvider;
let scratch: ScratchEngine;
let engine: Engine;
let host: string;

beforeAll(async () => {
  mock = await startMockProvider({ format: 'openai' });
  scratch = await startScratchEngine({
    name: 'slow',
    files: {
      'config.json': {
        version: 1,
        providers: { openai: { baseUrl: mock.url } },
        keys: [
          {
            id: 'openai-1',
            provider: 'openai',
            label: 'k',
            secret: { env: KEY_ENV },
            tier: 'paid',
          },
        ],
        routes: [],
      },
    },
    keychain: 'os',
    proxyKey: PROXY_KEY,
    env: { [KEY_ENV]: 'sk-slow-clients-0001' },
    serverTimeouts: { headersMs: HEADERS_MS, bodyMs: BODY_MS },
  });
  engine = scratch.engine;
  host = new URL(engine.url).host;
});
afterAll(async () => {
  await scratch?.close();
  await mock?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CHAT = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };

describe('slow clients', () => {
  it('an unauthenticated client that trickles its headers is dropped', async () => {
    const socket = connect({ port: engine.server.port, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const text = `POST /v1/chat/completions HTTP/1.1\r\nHost: ${host}\r\nX-Slow: ${'a'.repeat(400)}`;
    const trickle = (async () => {
      for (const char of text) {
        if (socket.destroyed) return;
        socket.write(char);
        await sleep(20);
      }
    })();
    // Eight seconds of trickle are on offer; the server must hang up well before they run out.
    const outcome = await Promise.race([closed.then(() => 'closed'), trickle.then(() => 'open')]);
    socket.destroy();
    expect(outcome).toBe('closed');
    if (received !== '') expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a client that sends its body slowly gets 408 in its own error format', async () => {
    const body = JSON.stringify(CHAT);
    const head = httpRequest('POST', '/v1/chat/completions', [
      ['Host', host],
      ['Authorization', `Bearer ${PROXY_KEY}`],
      ['Content-Type', 'application/json'],
      ['Content-Length', String(Buffer.byteLength(body))],
    ]);
    const r = await rawExchange(port(), [head, ...body.split('')], {
      gapMs: 50,
      deadlineMs: 8000,
    });
    expect(r.timedOut).toBe(false);
    expect(r.status).toBe(408);
    expect(r.headers.connection).toBe('close');
    const error = (JSON.parse(r.body) as { error: { message: string; code: string } }).error;
    expect(error.code).toBe('request_timeout');
    expect(error.message).toMatch(/body did not arrive within/);
    // Nothing went upstream for it (model discovery's start-up list aside).
    expect(mock.requests.filter((r) => !r.path.endsWith('/models'))).toHaveLength(0);
  });

  it('the Anthropic endpoint answers the same timeout in Anthropic’s format', async () => {
    const body = JSON.stringify({ ...CHAT, max_tokens: 10 });
    const head = httpRequest('POST', '/v1/messages', [
      ['Host', host],
      ['x-api-key', PROXY_KEY],
      ['Content-Type', 'application/json'],
      ['Content-Length', String(Buffer.byteLength(body))],
    ]);
    const r = await rawExchange(port(), [head, ...body.split('')], {
      gapMs: 50,
      deadlineMs: 8000,
    });
    expect(r.status).toBe(408);
    expect(JSON.parse(r.body)).toMatchObject({
      type: 'error',
      error: { type: expect.any(String) },
    });
  });

  it('a streaming answer that lasts longer than both bounds completes', async () => {
    // Ten chunks at five a second: about two seconds, several times the bounds.
    mock.setBehavior({
      chunks: 10,
      tokensPerSecond: 5,
      reply: 'one two three four five six seven eight nine ten',
    });
    const started = Date.now();
    const res = await fetch(`${engine.proxyUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PROXY_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...CHAT, stream: true }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    // Longer than Node's whole-request bound too (headers + body + a backstop of at most the body's).
    expect(Date.now() - started).toBeGreaterThan(HEADERS_MS + 2 * BODY_MS);
    expect(text).toContain('data: [DONE]');
    expect(text).toContain('ten');
  });
});

function port(): number {
  return engine.server.port;
}
