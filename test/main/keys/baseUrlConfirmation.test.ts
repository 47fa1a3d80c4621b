import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/engine/engine.ts';
import { startScratchEngine, type ScratchEngine } from '../../harness/scratchEngine.ts';
import { startMockProvider } from '../../mocks/mockProvider.ts';
import type { MockProvider } from '../../mocks/types.ts';

/*
 * A stored secret goes only to the base URL it was last confirmed for. Someone holding the admin
 * token, and nothing else, points the provider at a server of their own and asks for a key test,
 * a proxied request and a confirmation: the secret never reaches them. The person confirms the new
 * address with a code the engine shows outside the admin API (its log, the app's own dialog).
 */
const SECRET = `sk-confirm-${randomBytes(12).toString('hex')}`;
const ENV_SECRET = `sk-confirm-env-${randomBytes(12).toString('hex')}`;

let provider: MockProvider;
let capture: Server;
let captureUrl: string;
const captured: string[] = [];
let scratch: ScratchEngine;
let engine: Engine;
const logs: string[] = [];

beforeAll(async () => {
  provider = await startMockProvider({ format: 'openai', keys: [SECRET, ENV_SECRET] });
  capture = createServer((req, res) => {
    captured.push(JSON.stringify(req.headers));
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"data":[]}');
  });
  await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
  captureUrl = `http://127.0.0.1:${(capture.address() as AddressInfo).port}/v1`;
  scratch = await startScratchEngine({
    name: 'confirm',
    files: {
      'config.json': {
        version: 1,
        providers: { openai: { baseUrl: provider.url }, groq: { baseUrl: provider.url } },
        keys: [{ id: 'from-env', provider: 'groq', label: 'env', secret: { env: 'SY_CONFIRM' } }],
        routes: [
          { name: 'r', targets: [{ provider: 'openai', model: 'gpt-4o-mini' }] },
          { name: 'g', targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }] },
        ],
      },
    },
    env: { SY_CONFIRM: ENV_SECRET },
    log: (line) => logs.push(line),
  });
  engine = scratch.engine;
});

afterAll(async () => {
  await scratch?.close();
  await provider?.close();
  await new Promise<void>((resolve) => (capture ? capture.close(() => resolve()) : resolve()));
});

const admin = (method: string, path: string, body?: unknown) =>
  scratch.adminJson(method, path, body);

const chat = (model: string) =>
  fetch(`${engine.proxyUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${engine.proxyKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });

const leaked = () => captured.some((h) => h.includes(SECRET) || h.includes(ENV_SECRET));
const codeFromLog = () => {
  const line = logs.findLast((l) => /confirmation code/.test(l)) ?? '';
  return /code (\d{6})/.exec(line)?.[1];
};

describe('a key goes only to the base URL it was confirmed for', () => {
  let keyId = '';

  it('records the address a key was added for, and the address of keys already configured', async () => {
    const added = await admin('POST', '/admin/keys', {
      provider: 'openai',
      label: 'mine',
      secret: SECRET,
    });
    expect(added.status, JSON.stringify(added.json)).toBe(200);
    keyId = (added.json.key as { id: string }).id;
    const config = (await admin('GET', '/admin/config')).json as {
      keys: Array<{ id: string; confirmedBaseUrl?: string }>;
    };
    expect(config.keys.find((k) => k.id === keyId)?.confirmedBaseUrl).toBe(provider.url);
    expect(config.keys.find((k) => k.id === 'from-env')?.confirmedBaseUrl).toBe(provider.url);
    expect((await chat('r')).status).toBe(200);
  });

  it('a stolen admin token alone cannot send the secret to a server of its choosing', async () => {
    const config = (await admin('GET', '/admin/config')).json as Record<string, unknown> & {
      keys: Array<Record<string, unknown>>;
    };
    // Point both providers at the capture server, claiming the keys were confirmed for it.
    const put = await admin('PUT', '/admin/config', {
      ...config,
      providers: { openai: { baseUrl: captureUrl }, groq: { baseUrl: captureUrl } },
      keys: config.keys.map((k) => ({ ...k, confirmedBaseUrl: captureUrl })),
    });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    const test = await admin('POST', `/admin/keys/${keyId}/test`, {});
    expect(test.status).toBe(409);
    expect(test.json.error).toMatchObject({ code: 'base_url_unconfirmed' });
    expect(String((test.json.error as { message: string }).message)).toContain(captureUrl);
    expect((await admin('POST', '/admin/keys/from-env/test', {})).status).toBe(409);
    const proxied = await chat('r');
    expect(proxied.status).not.toBe(200);
    expect(await proxied.text()).toMatch(/confirm/i);
    await chat('g');
    // Guessing the code, or confirming without one, does not work either.
    await admin('POST', `/admin/keys/${keyId}/base-url/code`, {});
    for (const code of ['000000', '123456', '999999'])
      expect(
        (
          await admin('POST', `/admin/keys/${keyId}/base-url/confirm`, {
            baseUrl: captureUrl,
            code,
          })
        ).status,
      ).toBe(403);
    expect((await admin('POST', `/admin/keys/${keyId}/test`, {})).status).toBe(409);
    // The list says which keys wait for a confirmation, and for which address.
    const keys = (await admin('GET', '/admin/keys')).json as unknown as Array<{
      id: string;
      unconfirmedBaseUrl?: { current: string; confirmed: string | null };
    }>;
    expect(keys.find((k) => k.id === keyId)?.unconfirmedBaseUrl).toEqual({
      current: captureUrl,
      confirmed: provider.url,
    });
    expect(leaked()).toBe(false);
  });

  it('the person confirms the new address with the code the engine showed outside the API', async () => {
    const asked = await admin('POST', `/admin/keys/${keyId}/base-url/code`, {});
    expect(asked.status).toBe(200);
    expect(asked.json).toMatchObject({ baseUrl: captureUrl, confirmedBaseUrl: provider.url });
    expect(JSON.stringify(asked.json)).not.toMatch(/\d{6}/);
    const code = codeFromLog();
    expect(code).toMatch(/^\d{6}$/);
    // A code is for one key and one address only.
    expect(
      (
        await admin('POST', `/admin/keys/${keyId}/base-url/confirm`, {
          baseUrl: 'http://127.0.0.1:1/v1',
          code,
        })
      ).status,
    ).toBe(403);
    const confirmed = await admin('POST', `/admin/keys/${keyId}/base-url/confirm`, {
      baseUrl: captureUrl,
      code: codeFromLog(),
    });
    expect(confirmed.status, JSON.stringify(confirmed.json)).toBe(200);
    expect(confirmed.json.unconfirmedBaseUrl).toBeUndefined();
    // Now, and only now, the key goes there (which is what the person asked for).
    await admin('POST', `/admin/keys/${keyId}/test`, {});
    expect(captured.some((h) => h.includes(SECRET))).toBe(true);
    expect(captured.some((h) => h.includes(ENV_SECRET))).toBe(false);
  });
});
