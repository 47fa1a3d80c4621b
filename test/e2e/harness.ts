import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { dataFolder } from '../harness/dataFolder.ts';
import { adminTokenOf, serveFromSource, type ServedEngine } from '../main/cli/serveHarness.ts';
import { startMockProvider } from '../mocks/mockProvider.ts';
import type { MockProvider, MockProviderOptions } from '../mocks/types.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DASHBOARD_DIR = join(ROOT, 'dist/renderer');
export const SCREENSHOT_DIR = join(ROOT, 'test-output/screenshots');

/** Debian's Chromium, driven headless; a fresh profile per run. */
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/**
 * The built dashboard, rebuilt when any source it is made of is newer than the build (the test
 * runner builds first, so this is a no-op there; it keeps a lone `vitest --project e2e` honest).
 */
export async function ensureDashboardBuilt(): Promise<void> {
  const built = await stat(join(DASHBOARD_DIR, 'index.html')).catch(() => undefined);
  const sources = Math.max(
    await newestMtime(join(ROOT, 'renderer')),
    await newestMtime(join(ROOT, 'app')),
  );
  if (built !== undefined && built.mtimeMs >= sources) return;
  // A child process, because vitest sets NODE_ENV=test and Vite would then bundle React's
  // development build.
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('exit', (exitCode) => done({ code: exitCode, output: text }));
  });
  if (code !== 0) throw new Error(`vite build failed (exit ${code}):\n${output}`);
}

export type E2eWorld = {
  engine: ServedEngine;
  mocks: Record<string, MockProvider>;
  dataDir: string;
  /** Admin API calls from the test itself, with the session token. */
  admin: (path: string, init?: RequestInit) => Promise<Response>;
  /** The openai SDK on the engine's proxy with its proxy key, no retries. */
  proxyClient: () => OpenAI;
  close: () => Promise<void>;
};

/**
 * Mock providers, and `switchyard serve` from source on a fresh data folder whose config points
 * the catalog's providers at the mocks. No keys and no routes: the test adds those in the UI.
 */
export async function startWorld(
  mockSetup: Record<string, MockProviderOptions>,
): Promise<E2eWorld> {
  const mocks: Record<string, MockProvider> = {};
  for (const [id, options] of Object.entries(mockSetup))
    mocks[id] = await startMockProvider(options);
  const dataDir = await dataFolder('e2e', {
    'config.json': {
      version: 1,
      providers: Object.fromEntries(
        Object.entries(mocks).map(([id, m]) => [id, { baseUrl: m.url }]),
      ),
    },
  });
  let engine: ServedEngine;
  try {
    engine = await serveFromSource([], { SWITCHYARD_DASHBOARD_DIR: DASHBOARD_DIR }, { dataDir });
  } catch (err) {
    await Promise.all(Object.values(mocks).map((m) => m.close()));
    throw err;
  }
  const token = adminTokenOf(engine.ready.dashboard);
  return {
    engine,
    mocks,
    dataDir,
    admin: (path, init = {}) =>
      fetch(`${engine.ready.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
      }),
    proxyClient: () =>
      new OpenAI({
        baseURL: engine.ready.proxyUrl,
        apiKey: engine.ready.proxyKey,
        maxRetries: 0,
      }),
    close: async () => {
      await engine.stop();
      await Promise.all(Object.values(mocks).map((m) => m.close()));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sends `body` as JSON to the admin API, as the dashboard does: the tests' own setup. */
export function adminJson(
  world: E2eWorld,
  method: 'POST' | 'PUT',
  path: string,
  body: unknown,
): Promise<Response> {
  return world.admin(path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export type Browser = { context: BrowserContext; page: Page; close: () => Promise<void> };

/** Chromium with a fresh profile and a 1280×800 window. */
export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'switchyard-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  return {
    context,
    page,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** dnd-kit's AbstractPointerSensor.detach(): `setTimeout(this.documentListeners.removeAll, 50)`. */
const POINTER_SENSOR_DETACH_MS = 50;

/**
 * Drags with the mouse the way a person does: press, move a little (past the sensor's
 * activation distance), glide to the target, release. Then it lets dnd-kit's pointer sensor
 * finish letting go: for 50 ms after a drop it still empties the document's selection on every
 * selectionchange (its detach() removes that listener on a 50 ms timer), so text typed into a
 * field in that window has no caret and is lost. A page timer of the same delay, set after the
 * release was handled, runs after the sensor's.
 */
export async function dragTo(
  page: Page,
  from: { x: number; y: number },
  to: { x: number; y: number },
): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 12, from.y + 4, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 20 });
  // One more nudge at the target so the collision is measured where the pointer rests.
  await page.mouse.move(to.x, to.y + 1, { steps: 2 });
  await page.mouse.up();
  await page.evaluate(`new Promise((resolve) => setTimeout(resolve, ${POINTER_SENSOR_DETACH_MS}))`);
}

/** The screenshots this test file took, listed by closeAll. */
const taken: string[] = [];

/** Saves a screenshot under test-output/screenshots and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  taken.push(path);
  return path;
}

/** Chromium on the dashboard of the world's engine (its link carries the session token). */
export async function openDashboard(world: E2eWorld): Promise<Browser> {
  const browser = await launchBrowser();
  await browser.page.goto(world.engine.ready.dashboard);
  return browser;
}

/** Adds keys (each checked and confirmed on add) and sets the routes, through the admin API. */
export async function addKeysAndRoutes(
  world: E2eWorld,
  keys: Array<{ provider: string; label: string; secret: string }>,
  routes: unknown[],
): Promise<void> {
  for (const key of keys)
    expect((await adminJson(world, 'POST', '/admin/keys', key)).status).toBe(200);
  expect((await adminJson(world, 'PUT', '/admin/routes', routes)).status).toBe(200);
}

/** Closes the browser and the world, whichever started, and lists the screenshots taken. */
export async function closeAll(browser?: Browser, world?: E2eWorld): Promise<void> {
  await browser?.close();
  await world?.close();
  if (taken.length > 0) console.log(`screenshots:\n  ${taken.join('\n  ')}`);
}
