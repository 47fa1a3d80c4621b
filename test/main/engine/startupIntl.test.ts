/**
 * The engine's start-up makes no Intl.DateTimeFormat: the first one loads about 8 MB of ICU's
 * zone and locale data into the process (RSS of a bare node, 41.8 -> 49.9 MB), which an idle
 * engine does not need. A request that needs no zone (no daily window, no spent budget) makes
 * none either; the first request after the start is served.
 */
import { afterAll, expect, it, vi } from 'vitest';
import { startScratchEngine, type ScratchEngine } from '../../harness/scratchEngine.ts';
import { startMockProvider } from '../../mocks/mockProvider.ts';
import type { MockProvider } from '../../mocks/types.ts';

const PROXY_KEY = 'sy-startup-intl-proxy-key';
const KEY_ENV = 'SY_STARTUP_INTL_OPENAI_KEY';

let mock: MockProvider | undefined;
let scratch: ScratchEngine | undefined;
afterAll(async () => {
  await scratch?.close();
  await mock?.close();
});

it('an engine starts and serves its first request without a date formatter', async () => {
  const made = vi.spyOn(Intl, 'DateTimeFormat');
  mock = await startMockProvider({ format: 'openai' });
  scratch = await startScratchEngine({
    name: 'startup-intl',
    files: {
      'config.json': {
        version: 1,
        providers: { openai: { baseUrl: mock.url } },
        keys: [
          { id: 'oa', provider: 'openai', label: 'k', secret: { env: KEY_ENV }, tier: 'paid' },
        ],
        routes: [],
      },
    },
    proxyKey: PROXY_KEY,
    env: { [KEY_ENV]: 'sk-startup-intl-0001' },
  });
  expect(made).not.toHaveBeenCalled();

  const res = await fetch(`${scratch.engine.proxyUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PROXY_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    }),
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ object: 'chat.completion' });
  expect(made).not.toHaveBeenCalled();
  made.mockRestore();
});
