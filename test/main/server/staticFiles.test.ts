import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressDir } from '../../../main/server/precompress.ts';
import { DASHBOARD_CSP, serveStatic } from '../../../main/server/staticFiles.ts';

let server: Server;
let origin: string;
let compressed: string[];
const BIG_JS = `export const rows = [${Array.from({ length: 400 }, (_, i) => `'row ${i}'`).join(', ')}];`;

beforeAll(async () => {
  const parent = await mkdtemp(join(tmpdir(), 'switchyard-static-'));
  const root = join(parent, 'dashboard');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>dash</title>');
  await writeFile(join(root, 'assets', 'app-abc123.js'), 'console.log(1)');
  await writeFile(join(root, 'assets', 'big-def456.js'), BIG_JS);
  await writeFile(join(parent, 'secret.txt'), 'outside the root');
  compressed = await precompressDir(root);
  server = createServer(
    (req, res) => void serveStatic(root, req, res, (req.url ?? '/').split('?')[0]!),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function get(path: string, method = 'GET', headers: Record<string, string> = {}) {
  // A Client sends the path on the wire as written, ".." and all.
  const client = new Client(origin);
  const res = await client.request({ path, method: method as 'GET' | 'POST', headers });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  await client.close();
  return { status: res.statusCode, headers: res.headers, text: bytes.toString(), bytes };
}

describe('the static dashboard', () => {
  it('serves index.html with the CSP and no caching', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('serves hashed assets as immutable', async () => {
    const res = await get('/assets/app-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toMatch(/immutable/);
  });

  it('stores brotli and gzip copies of files worth compressing, not of tiny ones', () => {
    expect(compressed.map((f) => f.slice(f.lastIndexOf('/') + 1)).sort()).toEqual([
      'big-def456.js.br',
      'big-def456.js.gz',
    ]);
  });

  it('sends the precompressed copy the client accepts, with Vary, and the original otherwise', async () => {
    const br = await get('/assets/big-def456.js', 'GET', { 'accept-encoding': 'gzip, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['vary']).toBe('accept-encoding');
    expect(Number(br.headers['content-length'])).toBe(br.bytes.length);
    expect(br.bytes.length).toBeLessThan(BIG_JS.length / 3);
    expect(brotliDecompressSync(br.bytes).toString()).toBe(BIG_JS);

    const gz = await get('/assets/big-def456.js', 'GET', { 'accept-encoding': 'br;q=0, gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.bytes).toString()).toBe(BIG_JS);

    const plain = await get('/assets/big-def456.js', 'GET', { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['vary']).toBe('accept-encoding');
    expect(plain.text).toBe(BIG_JS);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers unknown page paths with the app, so client-side routes work', async () => {
    const res = await get('/requests/123');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>dash</title>');
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%00index.html',
    '/assets/%2e%2e/%2e%2e/secret.txt',
  ])('never serves a file outside its folder: %s', async (path) => {
    const res = await get(path);
    expect(res.text).not.toContain('outside the root');
    expect([200, 400, 404]).toContain(res.status);
  });

  it('refuses writes', async () => {
    expect((await get('/', 'POST')).status).toBe(405);
  });

  it('says how to fix a missing file with an extension', async () => {
    const res = await get('/nothing.js');
    expect(res.status).toBe(404);
  });
});
