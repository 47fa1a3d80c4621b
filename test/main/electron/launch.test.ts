// The real desktop app, launched through Playwright's Electron support: window, dashboard, bridge,
// clean exit. Runs only where an Electron binary is installed; elsewhere it says why it skipped.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayProblem, findElectronBinary } from './electronBinary.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const lookup = findElectronBinary();
const skipReason = lookup.binary === undefined ? lookup.reason : displayProblem();
if (skipReason !== undefined) console.log(`Electron launch test skipped: ${skipReason}.`);

describe.skipIf(skipReason !== undefined)('the desktop app (real Electron)', () => {
  let xvfb: ChildProcess | undefined;
  let display = process.env.DISPLAY;
  let electronApp: ElectronApplication | undefined;
  let dataDir = '';

  beforeAll(async () => {
    for (const built of [
      'dist/main/electron/main.cjs',
      'dist/main/electron/preload.cjs',
      'dist/renderer/index.html',
    ])
      if (!existsSync(join(ROOT, built)))
        throw new Error(`${built} is missing: run "npm run build" before this test`);
    if (process.platform === 'linux' && !display) {
      // -displayfd picks a free display number and writes it to fd 3 once the server is ready.
      const server = spawn(
        'Xvfb',
        ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x900x24'],
        {
          stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
        },
      );
      xvfb = server;
      display = await new Promise<string>((resolve, reject) => {
        let text = '';
        server.stdio[3]?.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('\n')) resolve(`:${text.trim()}`);
        });
        server.once('exit', (code) => reject(new Error(`Xvfb exited (${code})`)));
      });
    }
    dataDir = await mkdtemp(join(tmpdir(), 'switchyard-electron-'));
  }, 30_000);

  afterAll(async () => {
    await electronApp?.close().catch(() => undefined);
    if (xvfb?.pid !== undefined) xvfb.kill();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('opens the window on the dashboard, exposes only the bridge, and closes cleanly', async () => {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env))
      if (value !== undefined) env[name] = value;
    if (display) env.DISPLAY = display;
    electronApp = await _electron.launch({
      executablePath: lookup.binary,
      args: [ROOT, `--data-dir=${dataDir}`, '--port=0'],
      cwd: ROOT,
      env,
      timeout: 60_000,
    });
    const page = await electronApp.firstWindow();
    await page.getByRole('heading', { name: 'Switchyard' }).waitFor({ timeout: 30_000 });

    const url = new URL(page.url());
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.search).toBe('');

    const seen = await page.evaluate(async () => {
      const g = globalThis as unknown as Record<string, unknown>;
      const bridge = g.switchyard as Record<string, unknown> | undefined;
      const status = await fetch('/admin/status');
      return {
        keys: bridge === undefined ? [] : Object.keys(bridge).sort(),
        tokenType: typeof bridge?.adminToken,
        adminUrl: bridge?.adminUrl,
        require: typeof g.require,
        process: typeof g.process,
        ipc: typeof g.ipcRenderer,
        status: status.status,
      };
    });
    expect(seen).toEqual({
      keys: ['adminToken', 'adminUrl', 'openExternal', 'showDataFolder'],
      tokenType: 'string',
      adminUrl: url.origin,
      require: 'undefined',
      process: 'undefined',
      ipc: 'undefined',
      status: 200,
    });
    expect(await stat(join(dataDir, 'engine.json'))).toBeTruthy();

    const exited = new Promise<number | null>((resolve) =>
      electronApp?.process().once('exit', resolve),
    );
    await electronApp.close();
    electronApp = undefined;
    expect(await exited).toBe(0);
    // A clean stop removes the engine's runtime file.
    await expect(stat(join(dataDir, 'engine.json'))).rejects.toThrow();
  }, 120_000);
});
