// The tray's notification for a model on its way out, through the real main.ts against the
// Electron stand-in: a local server (no key) answers with a Deprecation header.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startMockProvider } from '../../mocks/mockProvider.ts';
import type { MockProvider } from '../../mocks/types.ts';
import { app, record } from './fakeElectron.ts';

vi.mock('electron', async () => (await import('./fakeElectron.ts')).fake);

const PROXY_KEY = 'sy-tray-notice-proxy-key-0123456789';
const scratch = await mkdtemp(join(tmpdir(), 'switchyard-tray-notice-'));
const dataDir = join(scratch, 'data');
const savedArgv = [...process.argv];
let mock: MockProvider;

beforeAll(async () => {
  mock = await startMockProvider({
    format: 'openai',
    models: ['qwen3:8b'],
    responseHeaders: { deprecation: '@1767225600', sunset: 'Fri, 01 Jan 2027 00:00:00 GMT' },
  });
  await mkdir(join(scratch, 'dashboard'), { recursive: true });
  await writeFile(join(scratch, 'dashboard', 'index.html'), '<!doctype html><h1>Switchyard</h1>');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(
    join(dataDir, 'config.json'),
    JSON.stringify({
      version: 1,
      providers: { ollama: { baseUrl: mock.url } },
      routes: [{ name: 'local', targets: [{ provider: 'ollama', model: 'qwen3:8b' }] }],
    }),
  );
  process.env.SWITCHYARD_DASHBOARD_DIR = join(scratch, 'dashboard');
  process.env.SWITCHYARD_PROXY_KEY = PROXY_KEY;
  process.env.XDG_CONFIG_HOME = join(scratch, 'xdg');
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  process.argv.push(`--data-dir=${dataDir}`, '--port=0');
  await import('../../../main/electron/main.ts');
  await vi.waitFor(() => expect(record.trays.length).toBeGreaterThan(0), { timeout: 15_000 });
});

afterAll(async () => {
  if (!record.quitFinished) app.quit();
  await vi.waitFor(() => expect(record.quitFinished).toBe(true), { timeout: 15_000 });
  process.argv.splice(0, process.argv.length, ...savedArgv);
  delete process.env.SWITCHYARD_PROXY_KEY;
  vi.restoreAllMocks();
  await mock?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('the tray and a deprecated model', () => {
  it('notifies once that the route’s model is being retired, while the route keeps answering', async () => {
    const window = record.windows[0];
    const origin = new URL(window?.loadedUrl ?? '').origin;
    const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: PROXY_KEY, maxRetries: 0 });
    const answer = await client.chat.completions.create({
      model: 'local',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(answer.choices[0]?.message.content).toContain('hello');
    await vi.waitFor(
      () =>
        expect(record.notifications).toContainEqual({
          title: 'A model is being retired',
          body: 'Route local: ollama/qwen3:8b is deprecated; it keeps serving through the rest of its chain.',
        }),
      { timeout: 12_000, interval: 200 },
    );
    expect(record.trays[0]?.tooltip).toContain('1 model to replace');
  });
});
