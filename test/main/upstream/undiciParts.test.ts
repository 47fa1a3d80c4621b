import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

describe("the engine's undici", () => {
  it("loads the Agent and the errors by their own files, never undici's whole index", async () => {
    const { startEngine } = await import('../../../main/engine/engine.ts');
    expect(startEngine).toBeTypeOf('function');
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((file) =>
      file.includes('/node_modules/undici/'),
    );
    expect(loaded.some((file) => file.endsWith('/undici/lib/dispatcher/agent.js'))).toBe(true);
    expect(loaded.filter((file) => file.endsWith('/undici/index.js'))).toEqual([]);
  });

  it('gives the Agent the request API the index would have given it', async () => {
    const { Agent } = await import('../../../main/upstream/undiciParts.ts');
    const server = createServer((_req, res) => res.end('pong'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new Agent();
    try {
      const { port } = server.address() as AddressInfo;
      const res = await agent.request({
        origin: `http://127.0.0.1:${port}`,
        path: '/',
        method: 'GET',
      });
      expect(await res.body.text()).toBe('pong');
    } finally {
      await agent.close();
      server.close();
    }
  });
});
