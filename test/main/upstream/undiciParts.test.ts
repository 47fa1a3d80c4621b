import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const PARTS = fileURLToPath(new URL('../../../main/upstream/undiciParts.ts', import.meta.url));

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

  it('loads node:http2 only once an upstream speaks HTTP/2 (3 MB of RSS an idle engine does without)', () => {
    // A process of its own: this one's test runner may have loaded http2 already.
    const script = `const { Agent } = await import(${JSON.stringify(PARTS)});
      await new Agent().close();
      console.log(process.moduleLoadList.filter((m) => /^NativeModule (http2|tls)$/.test(m)).join());`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('');
  });
});

describe('an upstream that answers in HTTP/2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-h2-'));
  let server: Http2SecureServer | undefined;
  afterAll(async () => {
    if (server !== undefined) await new Promise((resolve) => server!.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('is served by the HTTP/2 client loaded on first use', async () => {
    // A throw-away certificate for 127.0.0.1, made for this test.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'));
    const h2 = createSecureServer({
      key: readFileSync(join(dir, 'key.pem')),
      cert,
      allowHTTP1: false,
    });
    server = h2;
    h2.on('stream', (stream, headers) => {
      stream.respond({ ':status': 200, 'content-type': 'application/json' });
      stream.end(JSON.stringify({ version: 'h2', path: headers[':path'] }));
    });
    await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
    const { Agent } = await import('../../../main/upstream/undiciParts.ts');
    const agent = new Agent({ connect: { ca: cert } });
    try {
      const res = await agent.request({
        origin: `https://127.0.0.1:${(h2.address() as AddressInfo).port}`,
        path: '/v1/models',
        method: 'GET',
      });
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toEqual({ version: 'h2', path: '/v1/models' });
    } finally {
      await agent.close();
    }
  });
});
