/**
 * A `kill -9` must not make the limiter forget quota it spent. The limiter's snapshot is saved
 * at most once a second, so a crash used to lose the last second of counts: after a restart a
 * daily free quota looked less spent than it was, and the engine could overspend it. Counts are
 * now journalled before the request they count goes upstream (main/store/quotaJournalFile.ts).
 *
 * A real `switchyard serve` (from source) against a mock provider whose catalog entry has small
 * free-tier limits (Gemini's OpenAI-compatible endpoint: 10 requests a minute, 20 a day, and no
 * rate-limit headers, so every count is the limiter's own): N requests, SIGKILL as soon as the
 * last answer is in, restart on the same data folder, and the quota must read N spent.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LimiterView } from '../../../app/limiter/view.ts';
import { startMockProvider } from '../../mocks/mockProvider.ts';
import type { MockProvider } from '../../mocks/types.ts';
import { adminTokenOf, serveFromSource, type ServedEngine } from './serveHarness.ts';

const PROXY_KEY = 'sy-crash-test-proxy-key-0123456789';
const KEY_ENV = 'SY_CRASH_TEST_GEMINI_KEY';
const N = 8;

let mock: MockProvider;
let dataDir: string;
const running: ServedEngine[] = [];

beforeAll(async () => {
  mock = await startMockProvider({ format: 'openai', dialect: 'none' });
  dataDir = await mkdtemp(join(tmpdir(), 'switchyard-crash-'));
  await writeFile(
    join(dataDir, 'config.json'),
    JSON.stringify({
      version: 1,
      providers: { 'gemini-openai': { baseUrl: mock.url } },
      keys: [
        {
          id: 'gemini-free',
          provider: 'gemini-openai',
          label: 'free',
          secret: { env: KEY_ENV },
          tier: 'free',
        },
      ],
      routes: [
        { name: 'daily', targets: [{ provider: 'gemini-openai', model: 'gemini-2.5-flash' }] },
      ],
    }),
  );
});
afterAll(async () => {
  for (const engine of running) if (engine.child.exitCode === null) engine.child.kill('SIGKILL');
  await mock?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function serve(): Promise<ServedEngine> {
  const engine = await serveFromSource(
    [],
    { SWITCHYARD_PROXY_KEY: PROXY_KEY, [KEY_ENV]: 'AIza-crash-test-key-0001' },
    { dataDir },
  );
  running.push(engine);
  return engine;
}

async function chat(engine: ServedEngine, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${engine.ready.proxyUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PROXY_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'daily', messages: [{ role: 'user', content: `hi ${i}` }] }),
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }
}

async function quota(engine: ServedEngine): Promise<Record<string, number>> {
  const token = adminTokenOf(engine.ready.dashboard);
  const res = await fetch(`${engine.ready.url}/admin/quota`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const view = (await res.json()) as LimiterView;
  const pool = view.pools.find((p) => p.provider === 'gemini-openai')!;
  return Object.fromEntries(pool.windows.map((w) => [w.window, w.limit - w.remaining]));
}

describe('kill -9 and the quota counters', () => {
  it(
    'a restart after SIGKILL counts every request that was sent',
    { timeout: 60_000 },
    async () => {
      const first = await serve();
      await chat(first, N);
      const exited = new Promise((resolve) => first.child.once('exit', resolve));
      first.child.kill('SIGKILL');
      await exited;
      // Chat requests only: model discovery also lists the key's models at start.
      expect(mock.requests.filter((r) => !r.path.endsWith('/models'))).toHaveLength(N);

      const second = await serve();
      const spent = await quota(second);
      expect(spent.rpd).toBe(N);
      expect(spent.rpm).toBe(N);
      // A clean stop saves the snapshot with the replayed journal folded in: the next start
      // counts each request once.
      await chat(second, 2);
      expect(await second.stop()).toBe(0);
      const third = await serve();
      expect(await quota(third)).toMatchObject({ rpd: N + 2, rpm: N + 2 });
      expect(await third.stop()).toBe(0);
    },
  );
});
