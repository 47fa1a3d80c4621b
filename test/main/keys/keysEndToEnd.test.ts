import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTokenOf, childEnv, serveFromSource, type ServedEngine } from '../cli/serveHarness.ts';
import { requireSecretService } from './secretService.ts';

const CLI = fileURLToPath(new URL('../../../main/cli/main.ts', import.meta.url));
// Made per run, so a leak can only come from this run.
const SECRET = `sk-e2e-${randomBytes(16).toString('hex')}`;
const SECRET_CLI = `sk-cli-${randomBytes(16).toString('hex')}`;

/** Whether a text holds a secret of this run. A boolean, so a failure never prints the secret. */
const leaks = (text: string): boolean => text.includes(SECRET) || text.includes(SECRET_CLI);

/** Every admin answer, CLI output and engine log line of the run, searched for the secrets at the end. */
const seen: string[] = [];
const engines: ServedEngine[] = [];
let mock: Server;
let mockUrl: string;
let dataDir: string;

/** A provider that answers its model list to the two secrets of this run, and 401 to anything else. */
async function startMockProvider(): Promise<void> {
  mock = createServer((req, res) => {
    const ok =
      req.headers.authorization === `Bearer ${SECRET}` ||
      req.headers.authorization === `Bearer ${SECRET_CLI}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(
      ok
        ? '{"object":"list","data":[{"id":"echo","object":"model"}]}'
        : '{"error":{"message":"bad key"}}',
    );
  });
  await new Promise<void>((resolve) => mock.listen(0, '127.0.0.1', resolve));
  mockUrl = `http://127.0.0.1:${(mock.address() as AddressInfo).port}/v1`;
}

async function admin(engine: ServedEngine, method: string, path: string, body?: unknown) {
  const token = adminTokenOf(engine.ready.dashboard);
  const res = await fetch(`${engine.ready.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  seen.push(text);
  return {
    status: res.status,
    json: JSON.parse(text) as Record<string, unknown> & {
      error?: { message: string; code: string };
    },
  };
}

function cli(
  args: string[],
  input?: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, '--data-dir', dataDir], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: childEnv(env),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => {
      seen.push(out, err);
      resolve({ code, out, err });
    });
    child.stdin.end(input ?? '');
  });
}

function secretTool(...args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync('secret-tool', args, { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

beforeAll(async () => {
  requireSecretService();
  await startMockProvider();
});
afterAll(async () => {
  for (const engine of engines) if (engine.child.exitCode === null) await engine.stop();
  await new Promise((resolve) => mock?.close(resolve));
  secretTool('clear', 'service', 'switchyard', 'username', 'key:mock-1');
  secretTool('clear', 'service', 'switchyard', 'username', 'key:mock-2');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('keys in the real Secret Service, through the engine', () => {
  it('adds a key through the admin API; it lives in the keychain, not the config', async () => {
    const engine = await serveFromSource();
    engines.push(engine);
    dataDir = engine.ready.dataDir;
    expect(
      (
        await admin(engine, 'PUT', '/admin/providers/mock', {
          custom: true,
          baseUrl: mockUrl,
          format: 'openai',
        })
      ).status,
    ).toBe(200);
    const added = await admin(engine, 'POST', '/admin/keys', {
      provider: 'mock',
      label: 'e2e',
      secret: SECRET,
    });
    expect(added.status, JSON.stringify(added.json)).toBe(200);
    expect(added.json).toMatchObject({
      key: { id: 'mock-1', source: 'keychain', last4: SECRET.slice(-4) },
    });
    expect(
      secretTool('lookup', 'service', 'switchyard', 'username', 'key:mock-1').stdout === SECRET,
    ).toBe(true);
    const config = JSON.parse(await readFile(join(dataDir, 'config.json'), 'utf8'));
    expect(config.keys[0].secret).toEqual({ keychain: true });
  });

  it('adds, lists and tests a key from the CLI, the secret piped in on stdin', async () => {
    const add = await cli(
      ['keys', 'add', '--provider', 'mock', '--label', 'from cli'],
      `${SECRET_CLI}\n`,
    );
    expect(add.err).toBe('');
    expect(add.code).toBe(0);
    expect(add.out).toMatch(
      new RegExp(`^Added mock-2 \\(mock, "from cli", …${SECRET_CLI.slice(-4)}\\)\\. Test: `),
    );
    const list = await cli(['keys', 'list']);
    expect(list.out).toMatch(/mock-1\s+mock\s+e2e/);
    expect(list.out).toMatch(/mock-2\s+mock\s+from cli/);
    const test = await cli(['keys', 'test', 'mock-2']);
    expect(test.code).toBe(0);
    expect(test.out).toMatch(/^mock-2: (ok|skipped)/);
    const status = await cli(['status']);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/^Switchyard .* at http:\/\/127\.0\.0\.1:\d+\/v1/);
    expect(status.out).toMatch(/Keychain: ok \(Secret Service\)/);
    expect(status.out).toMatch(/mock-2\s+mock\s+from cli/);
  });

  it('refuses a secret on the command line, without echoing it', async () => {
    const flag = await cli(['keys', 'add', '--provider', 'mock', `--secret=${SECRET_CLI}`]);
    expect(flag.code).toBe(2);
    expect(flag.err).toMatch(/--secret is not accepted/);
    expect(flag.err).not.toContain(SECRET_CLI);
    const positional = await cli(['keys', 'add', '--provider', 'mock', SECRET_CLI]);
    expect(positional.code).toBe(2);
    expect(positional.err).not.toContain(SECRET_CLI);
  });

  it('still has both keys after a restart, and can use them', async () => {
    await engines[0]!.stop();
    const engine = await serveFromSource([], {}, { dataDir });
    engines.push(engine);
    const keys = await admin(engine, 'GET', '/admin/keys');
    expect((keys.json as unknown as { id: string }[]).map((k) => k.id)).toEqual([
      'mock-1',
      'mock-2',
    ]);
    // A test reads the secret back from the keychain; a missing one would answer 404.
    const test = await admin(engine, 'POST', '/admin/keys/mock-1/test', {});
    expect(test.status, JSON.stringify(test.json)).toBe(200);
    // Compared as booleans: a failing match would print the listing, secrets included.
    const shown = secretTool('search', '--all', 'service', 'switchyard').stdout;
    expect(shown.includes('label = keyring:key:mock-1@switchyard')).toBe(true);
    expect(shown.includes('label = keyring:key:mock-2@switchyard')).toBe(true);
  });

  it('removes a key and its secret from the CLI', async () => {
    const rm = await cli(['keys', 'rm', 'mock-2']);
    expect(rm.code).toBe(0);
    expect(rm.out).toBe('Removed mock-2 and its secret.\n');
    expect(secretTool('lookup', 'service', 'switchyard', 'username', 'key:mock-2').status).not.toBe(
      0,
    );
  });

  it('leaves no secret in any file of the data folder, any log line or any admin answer', async () => {
    await admin(engines[1]!, 'GET', '/admin/config');
    await admin(engines[1]!, 'GET', '/admin/keychain');
    await admin(engines[1]!, 'GET', '/admin/requests');
    await engines[1]!.stop();
    const files = await filesUnder(dataDir);
    expect(files.map((f) => f.slice(dataDir.length + 1)).sort()).toEqual(
      expect.arrayContaining(['config.json', 'config.schema.json', 'switchyard.db']),
    );
    for (const file of files) {
      const bytes = await readFile(file);
      expect(bytes.includes(SECRET) || bytes.includes(SECRET_CLI), `a secret is in ${file}`).toBe(
        false,
      );
    }
    const logs = engines.map((e) => e.stderr()).join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(leaks(logs), 'a secret is in the engine log').toBe(false);
    expect(seen.filter(leaks).length, 'a secret is in an admin answer or CLI output').toBe(0);
  });
});

describe('an engine with no keychain at all', () => {
  let engine: ServedEngine;
  beforeAll(async () => {
    engine = await serveFromSource([], {
      DBUS_SESSION_BUS_ADDRESS: undefined,
      MOCK_PROVIDER_KEY: SECRET,
    });
    engines.push(engine);
  });
  afterAll(async () => {
    if (engine.child.exitCode === null) await engine.stop();
    await rm(engine.ready.dataDir, { recursive: true, force: true });
  });

  it('says so and how to fix it', async () => {
    const status = await admin(engine, 'GET', '/admin/keychain');
    expect(status.json).toMatchObject({ state: 'unavailable' });
    expect(status.json.message).toMatch(
      /DBUS_SESSION_BUS_ADDRESS is not set.*dbus-run-session.*environment variables/s,
    );
    const added = await admin(engine, 'POST', '/admin/keys', {
      provider: 'mock',
      label: 'kc',
      secret: SECRET_CLI,
    });
    expect(added.status).toBe(503);
    expect(added.json.error?.code).toBe('keychain_unavailable');
  });

  it('still takes keys from environment variables', async () => {
    await admin(engine, 'PUT', '/admin/providers/mock', {
      custom: true,
      baseUrl: mockUrl,
      format: 'openai',
    });
    const added = await admin(engine, 'POST', '/admin/keys', {
      provider: 'mock',
      label: 'env',
      env: 'MOCK_PROVIDER_KEY',
    });
    expect(added.status, JSON.stringify(added.json)).toBe(200);
    expect(added.json).toMatchObject({
      key: {
        source: 'env',
        envName: 'MOCK_PROVIDER_KEY',
        status: expect.not.stringMatching(/missing/),
        // A variable the engine holds goes to a custom address only once the person confirms it.
        unconfirmedBaseUrl: { current: mockUrl, confirmed: null },
      },
    });
    const id = (added.json.key as { id: string }).id;
    expect((await admin(engine, 'POST', `/admin/keys/${id}/test`, {})).status).toBe(409);
    const asked = await admin(engine, 'POST', `/admin/keys/${id}/base-url/code`, {});
    expect(asked.status).toBe(200);
    const code = /confirmation code (\d{6})/.exec(engine.stderr())?.[1];
    const confirmed = await admin(engine, 'POST', `/admin/keys/${id}/base-url/confirm`, {
      baseUrl: mockUrl,
      code,
    });
    expect(confirmed.status, JSON.stringify(confirmed.json)).toBe(200);
    const test = await admin(engine, 'POST', `/admin/keys/${id}/test`, {});
    expect(test.status).toBe(200);
    expect(seen.filter(leaks).length).toBe(0);
  });
});
