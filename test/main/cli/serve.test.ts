import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTokenOf, serveFromSource, type ServedEngine } from './serveHarness.ts';

let engine: ServedEngine;
const adminToken = () => adminTokenOf(engine.ready.dashboard);

beforeAll(async () => {
  engine = await serveFromSource();
});
afterAll(async () => {
  if (engine.child.exitCode === null) await engine.stop();
});

describe('switchyard serve', () => {
  it('prints a ready line with loopback URLs and the data folder', () => {
    expect(engine.ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(engine.ready.proxyUrl).toBe(`${engine.ready.url}/v1`);
    expect(engine.ready.dashboard).toMatch(new RegExp(`^${engine.ready.url}/#token=[\\w-]{20,}$`));
    expect(engine.ready.proxyKey).toMatch(/^sy-/);
  });

  it('answers GET /healthz', async () => {
    const res = await fetch(`${engine.ready.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers GET /v1/models with an OpenAI-shaped list', async () => {
    const res = await fetch(`${engine.ready.proxyUrl}/models`, {
      headers: { authorization: `Bearer ${engine.ready.proxyKey}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ object: 'list', data: [] });
  });

  it('refuses /v1 without the proxy key, in OpenAI error format', async () => {
    const res = await fetch(`${engine.ready.proxyUrl}/models`);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_proxy_key');
    expect(body.error.message).toMatch(/Authorization: Bearer/);
  });

  it('refuses /admin without the token, and serves it with the token', async () => {
    expect((await fetch(`${engine.ready.url}/admin/status`)).status).toBe(401);
    const wrong = await fetch(`${engine.ready.url}/admin/status`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${engine.ready.url}/admin/status`, {
      headers: { authorization: `Bearer ${adminToken()}` },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      proxyUrl: engine.ready.proxyUrl,
      dataDir: engine.ready.dataDir,
    });
  });

  it('carries the session without a cookie: the link holds the token in its fragment only', async () => {
    const link = new URL(engine.ready.dashboard);
    expect(link.search).toBe('');
    // What a browser sends for the link: the fragment stays behind; the page is served as is.
    const page = await fetch(`${link.origin}${link.pathname}`, { redirect: 'manual' });
    expect(page.headers.get('location')).toBeNull();
    expect(page.headers.get('set-cookie')).toBeNull();
    // An old-style link with the token in the query sets nothing either.
    const old = await fetch(`${link.origin}/?token=${adminToken()}`, { redirect: 'manual' });
    expect(old.headers.get('set-cookie')).toBeNull();
    const cookieOnly = await fetch(`${engine.ready.url}/admin/status`, {
      headers: { cookie: `switchyard_session=${adminToken()}` },
    });
    expect(cookieOnly.status).toBe(401);
  });

  it('reports a broken hand edit with the field and keeps serving the last good config', async () => {
    const auth = { authorization: `Bearer ${adminToken()}` };
    const configPath = join(engine.ready.dataDir, 'config.json');
    const good = JSON.parse(await readFile(configPath, 'utf8'));
    good.routes = [
      { name: 'fast', targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }] },
    ];
    await writeFile(configPath, JSON.stringify(good));
    await expect
      .poll(
        async () => {
          const res = await fetch(`${engine.ready.proxyUrl}/models`, {
            headers: { authorization: `Bearer ${engine.ready.proxyKey}` },
          });
          return ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id);
        },
        { timeout: 5000 },
      )
      .toEqual(['fast', 'groq/llama-3.1-8b-instant']);

    await writeFile(
      configPath,
      JSON.stringify({ ...good, routes: [{ name: 'fast', targets: [] }] }),
    );
    await expect
      .poll(
        async () => {
          const res = await fetch(`${engine.ready.url}/admin/status`, { headers: auth });
          return ((await res.json()) as { configErrors: string[] }).configErrors;
        },
        { timeout: 5000 },
      )
      .toEqual(['routes[0].targets: a route needs at least one target']);
    expect(engine.stderr()).toMatch(/routes\[0\]\.targets: a route needs at least one target/);
    const models = await fetch(`${engine.ready.proxyUrl}/models`, {
      headers: { authorization: `Bearer ${engine.ready.proxyKey}` },
    });
    expect(((await models.json()) as { data: unknown[] }).data).toHaveLength(2);
  });

  it('exits 0 on SIGTERM and removes its runtime file', async () => {
    const code = await engine.stop();
    expect(code).toBe(0);
    await expect(readFile(join(engine.ready.dataDir, 'engine.json'))).rejects.toThrow(/ENOENT/);
  });
});

describe('switchyard serve flags', () => {
  const cli = fileURLToPath(new URL('../../../main/cli/main.ts', import.meta.url));

  it('refuses a non-loopback --host without --allow-remote, saying how', () => {
    const result = spawnSync(process.execPath, [cli, 'serve', '--host', '0.0.0.0', '--port', '0'], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/not a loopback address.*--allow-remote/s);
  });

  it('refuses a bad --port', () => {
    const result = spawnSync(process.execPath, [cli, 'serve', '--port', '99999'], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--port must be a whole number from 0 to 65535/);
  });

  it('refuses to start on an invalid config file, naming the field', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-bad-'));
    await writeFile(join(dir, 'config.json'), '{"version": 1, "routes": "fast"}');
    const result = spawnSync(process.execPath, [cli, 'serve', '--port', '0', '--data-dir', dir], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/routes: /);
  });
});
