import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_API, type EndpointName } from '../../../app/admin/contract.ts';
import type { KeyView } from '../../../app/admin/types.ts';
import type { LimiterView } from '../../../app/limiter/view.ts';
import { snapshotFromEngine, trayState } from '../../../main/electron/trayState.ts';
import { startEngine, type Engine } from '../../../main/engine/engine.ts';
import { startMockProvider } from '../../mocks/mockProvider.ts';
import type { MockProvider } from '../../mocks/types.ts';
import { MemoryKeychain } from '../keys/memoryKeychain.ts';

let engine: Engine;
let dataDir: string;
let mock: MockProvider;

beforeAll(async () => {
  mock = await startMockProvider({ format: 'openai', keys: ['sk-the-right-key-0123456789'] });
  dataDir = await mkdtemp(join(tmpdir(), 'switchyard-keyhealth-'));
  engine = await startEngine({
    host: '127.0.0.1',
    port: 0,
    allowRemote: false,
    dataDir,
    dashboardDir: dataDir,
    log: () => undefined,
    keychain: new MemoryKeychain(),
    // The key passes its test when added; the provider refuses it later, in traffic.
    validateKey: async () => ({ outcome: 'ok', message: 'ok', latencyMs: 1 }),
    env: {},
  });
  await admin('putProvider', { custom: true, baseUrl: mock.url, format: 'openai' }, { id: 'mock' });
  await admin('addKey', {
    provider: 'mock',
    label: 'revoked',
    secret: 'sk-revoked-key-0123456789',
  });
  await admin('putRoutes', [{ name: 'fast', targets: [{ provider: 'mock', model: 'echo' }] }]);
});
afterAll(async () => {
  await engine?.stop(1000);
  await mock?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function admin(name: EndpointName, body?: unknown, params: Record<string, string> = {}) {
  const def = ADMIN_API[name];
  const path = def.path.replace(/:([A-Za-z]+)/g, (_, p: string) => params[p] ?? '');
  const res = await fetch(new URL(path, engine.url), {
    method: def.method,
    headers: {
      authorization: `Bearer ${engine.adminToken}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${name}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as unknown;
}

describe('key health has one owner', () => {
  it('after a 401 in traffic, the keys list, the quota view and the tray all say invalid', async () => {
    const res = await fetch(`${engine.proxyUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${engine.proxyKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.text();
    expect(res.status).toBeGreaterThanOrEqual(400);

    const keys = (await admin('listKeys')) as KeyView[];
    expect(keys.map((k) => [k.id, k.status])).toEqual([['mock-1', 'invalid']]);
    const view = (await admin('quota')) as LimiterView;
    const pool = view.pools.find((p) => p.keyId === 'mock-1');
    expect(pool?.status.state).toBe('invalid');
    const tray = snapshotFromEngine({ view, keys, keychain: 'ok', configErrors: [] });
    expect(tray.keys?.map((k) => k.status)).toEqual(['invalid']);
    expect(trayState(tray).lines).toEqual(['revoked: invalid key']);
  });
});
