import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callEngine } from '../../../main/cli/engineClient.ts';
import { snapshotFromEngine, trayState } from '../../../main/electron/trayState.ts';
import type { Engine } from '../../../main/engine/engine.ts';
import {
  acceptAnyKey,
  startScratchEngine,
  type ScratchEngine,
} from '../../harness/scratchEngine.ts';
import { startMockProvider } from '../../mocks/mockProvider.ts';
import type { MockProvider } from '../../mocks/types.ts';

let scratch: ScratchEngine;
let engine: Engine;
let mock: MockProvider;

beforeAll(async () => {
  mock = await startMockProvider({ format: 'openai', keys: ['sk-the-right-key-0123456789'] });
  // The key passes its test when added; the provider refuses it later, in traffic.
  scratch = await startScratchEngine({ name: 'keyhealth', validateKey: acceptAnyKey });
  engine = scratch.engine;
  await callEngine(engine, 'putProvider', {
    params: { id: 'mock' },
    body: { custom: true, baseUrl: mock.url, format: 'openai' },
  });
  await callEngine(engine, 'addKey', {
    body: { provider: 'mock', label: 'revoked', secret: 'sk-revoked-key-0123456789' },
  });
  await callEngine(engine, 'putRoutes', {
    body: [{ name: 'fast', targets: [{ provider: 'mock', model: 'echo' }] }],
  });
});
afterAll(async () => {
  await scratch?.close();
  await mock?.close();
});

describe('key health has one owner', () => {
  it('after a 401 in traffic, the keys list, the quota view and the tray all say invalid', async () => {
    const res = await fetch(`${engine.proxyUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${engine.proxyKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.text();
    expect(res.status).toBeGreaterThanOrEqual(400);

    const keys = await callEngine(engine, 'listKeys');
    expect(keys.map((k) => [k.id, k.status])).toEqual([['mock-1', 'invalid']]);
    const view = await callEngine(engine, 'quota');
    const pool = view.pools.find((p) => p.keyId === 'mock-1');
    expect(pool?.status.state).toBe('invalid');
    const tray = snapshotFromEngine({ view, keys, keychain: 'ok', configErrors: [] });
    expect(tray.keys?.map((k) => k.status)).toEqual(['invalid']);
    expect(trayState(tray).lines).toEqual(['revoked: invalid key']);
  });
});
