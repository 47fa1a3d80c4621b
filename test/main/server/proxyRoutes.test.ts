import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../app/config/schema.ts';
import type { ProxyRequest } from '../../../app/formats/proxyRequest.ts';
import { createProxyHandler } from '../../../main/proxy/routes.ts';

const dispatched: ProxyRequest[] = [];
const handler = createProxyHandler({
  config: () => defaultConfig(),
  startedAt: 0,
  clock: () => 0,
  dispatch: async (req, res) => {
    dispatched.push(req);
    res.end();
  },
  countTokens: async (req, res) => {
    dispatched.push(req);
    res.end();
  },
  responses: {
    save: () => undefined,
    get: async () => undefined,
    delete: async () => false,
  },
});
let server: Server;
let port: number;
let handled: Promise<void> | undefined;

beforeAll(async () => {
  // The handler runs only once the client is gone, as on a busy engine that reads a body late.
  server = createServer((req, res) => {
    handled = once(res, 'close').then(() => handler(req, res, new URL(req.url ?? '/', 'http://x')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the /v1 edge', () => {
  it('finishes, sending nothing on, for a client that hung up before its body was read', async () => {
    const body = JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hi' }] });
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.end(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      () => socket.destroy(),
    );
    await expect.poll(() => handled !== undefined, { timeout: 2000 }).toBe(true);
    const settled = await Promise.race([
      handled!.then(() => 'settled'),
      new Promise((resolve) => setTimeout(() => resolve('still reading the body'), 1000)),
    ]);
    expect(settled).toBe('settled');
    expect(dispatched).toEqual([]);
  });
});
