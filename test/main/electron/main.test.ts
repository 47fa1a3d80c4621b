// Runs the real main.ts (engine, port fallback, token bridge, IPC, guards, tray, quit) against the
// Electron stand-in in fakeElectron.ts. What only a real Electron can show is in launch.test.ts.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../../main/electron/ipcChannels.ts';
import { SHELL_CSP } from '../../../main/electron/contentSecurityPolicy.ts';
import { app, fakeEvent, record, type FakeBrowserWindow } from './fakeElectron.ts';

vi.mock('electron', async () => (await import('./fakeElectron.ts')).fake);

const scratch = await mkdtemp(join(tmpdir(), 'switchyard-shell-'));
const dataDir = join(scratch, 'data');
const dashboardDir = join(scratch, 'dashboard');
const logs: string[] = [];
const savedArgv = [...process.argv];
const busy: Server = createServer();
let busyPort = 0;
let window: FakeBrowserWindow;
let origin = '';
/** The admin token, as the preload's bootstrap hands it to the dashboard frame. */
let adminToken = '';

function ipcEvent(frameUrl: string | null, webContentsId = window.webContents.id) {
  return {
    sender: { id: webContentsId },
    senderFrame: frameUrl === null ? null : { url: frameUrl, parent: null },
    returnValue: undefined as unknown,
  };
}

function menuItem(label: RegExp): { click?: () => void; label: string } {
  const tray = record.trays[0];
  const item = tray?.menu.find(
    (entry) => typeof entry.label === 'string' && label.test(entry.label),
  );
  if (item === undefined) throw new Error(`no tray item ${label}`);
  return item as { click?: () => void; label: string };
}

beforeAll(async () => {
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dashboardDir, { recursive: true });
  await writeFile(join(dashboardDir, 'index.html'), '<!doctype html><h1>Switchyard</h1>');
  process.env.SWITCHYARD_DASHBOARD_DIR = dashboardDir;
  process.env.XDG_CONFIG_HOME = join(scratch, 'xdg');
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    logs.push(String(chunk));
    return true;
  });
  process.argv.push(`--data-dir=${dataDir}`, `--port=${busyPort}`);
  await import('../../../main/electron/main.ts');
  await vi.waitFor(
    () => {
      if (record.trays.length === 0) throw new Error('not up yet');
    },
    { timeout: 15_000 },
  );
  window = record.windows[0] as FakeBrowserWindow;
  origin = new URL(window.loadedUrl as string).origin;
  const bootstrap = ipcEvent(`${origin}/`);
  record.ipcOn.get(IPC_CHANNELS.bootstrap)?.(bootstrap);
  adminToken = (bootstrap.returnValue as { adminToken: string }).adminToken;
});

afterAll(async () => {
  if (!record.quitFinished) app.quit();
  await vi.waitFor(() => expect(record.quitFinished).toBe(true), { timeout: 15_000 });
  process.argv.splice(0, process.argv.length, ...savedArgv);
  vi.restoreAllMocks();
  await new Promise<void>((resolve) => busy.close(() => resolve()));
  await rm(scratch, { recursive: true, force: true });
});

describe('the Electron main process, against a stand-in Electron', () => {
  it('starts the engine on a free port when 4141 (here: a busy port) is taken', async () => {
    expect(window.loadedUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(new URL(origin).port).not.toBe(String(busyPort));
    expect(logs.join('')).toContain(`port ${busyPort} is in use`);
    expect(record.paths.get('userData')).toBe(dataDir);
    const health = await fetch(`${origin}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('loads the dashboard without a token in the URL or a cookie: the preload hands it over', async () => {
    expect(window.loadedUrl).not.toContain('token');
    expect(record.cookies).toEqual([]);
    const status = await fetch(`${origin}/admin/status`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(status.status).toBe(200);
    expect(((await status.json()) as { dataDir: string }).dataDir).toBe(dataDir);
    const cookieOnly = await fetch(`${origin}/admin/status`, {
      headers: { cookie: `switchyard_session=${adminToken}` },
    });
    expect(cookieOnly.status).toBe(401);
    const page = await fetch(`${origin}/`);
    expect(await page.text()).toContain('<h1>Switchyard</h1>');
  });

  it('opens one sandboxed, isolated window with the preload bundle, shown at first paint', () => {
    expect(record.windows).toHaveLength(1);
    const prefs = window.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(prefs.preload).toMatch(/dist\/main\/electron\/preload\.cjs$/);
    expect(window.visible).toBe(true);
  });

  it('hands the admin URL and token to our dashboard frame, and to nothing else', () => {
    const bootstrap = record.ipcOn.get(IPC_CHANNELS.bootstrap);
    const ours = ipcEvent(`${origin}/`);
    bootstrap?.(ours);
    expect(ours.returnValue).toEqual({ adminUrl: origin, adminToken });
    expect(adminToken).toMatch(/^[\w-]{20,}$/);
    for (const foreign of [
      ipcEvent('https://evil.example/'),
      ipcEvent(null),
      ipcEvent(`${origin}/`, window.webContents.id + 100),
    ]) {
      bootstrap?.(foreign);
      expect(foreign.returnValue).toBeNull();
    }
    const subframe = { ...ipcEvent(`${origin}/`), senderFrame: { url: `${origin}/`, parent: {} } };
    bootstrap?.(subframe);
    expect(subframe.returnValue).toBeNull();
  });

  it('opens web links and the data folder for our frame only, with checked arguments', async () => {
    const open = record.ipcHandle.get(IPC_CHANNELS.openExternal) as (
      ...a: unknown[]
    ) => Promise<void>;
    await open(ipcEvent(`${origin}/`), 'https://console.groq.com/keys');
    expect(record.opened).toEqual(['https://console.groq.com/keys']);
    await expect(open(ipcEvent(`${origin}/`), 'file:///etc/passwd')).rejects.toThrow(/Refused/);
    await expect(open(ipcEvent('https://evil.example/'), 'https://x.example/')).rejects.toThrow(
      /Refused/,
    );
    expect(record.opened).toEqual(['https://console.groq.com/keys']);
    expect(logs.join('')).not.toContain('/etc/passwd');

    const reveal = record.ipcHandle.get(IPC_CHANNELS.showDataFolder) as (
      ...a: unknown[]
    ) => Promise<void>;
    await reveal(ipcEvent(`${origin}/`));
    expect(record.openedPaths).toEqual([dataDir]);
    await expect(reveal(ipcEvent(`${origin}/`), '/etc')).rejects.toThrow(/Refused/);
    expect(record.openedPaths).toEqual([dataDir]);
  });

  it('keeps the window on the dashboard: links leave through the system browser', () => {
    const contents = window.webContents;
    const away = fakeEvent({ url: 'https://openrouter.ai/', isMainFrame: true });
    contents.emit('will-frame-navigate', away);
    expect(away.defaultPrevented).toBe(true);
    expect(record.opened.at(-1)).toBe('https://openrouter.ai/');
    const file = fakeEvent({ url: 'file:///etc/passwd', isMainFrame: true });
    contents.emit('will-frame-navigate', file);
    expect(file.defaultPrevented).toBe(true);
    expect(record.opened).not.toContain('file:///etc/passwd');
    const inside = fakeEvent({ url: `${origin}/routes`, isMainFrame: true });
    contents.emit('will-frame-navigate', inside);
    expect(inside.defaultPrevented).toBe(false);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({
      action: 'deny',
    });
    expect(record.opened.at(-1)).toBe('https://example.com/');
  });

  it('refuses permissions and forces the CSP on every document', () => {
    const session = window.webContents.session;
    let granted: boolean | undefined;
    session.permissionRequest?.(window.webContents, 'media', (ok: boolean) => (granted = ok), {
      requestingUrl: `${origin}/`,
    });
    expect(granted).toBe(false);
    expect(session.permissionCheck?.(window.webContents, 'geolocation', origin, {})).toBe(false);
    let headers: Record<string, string[]> | undefined;
    session.headersReceived?.(
      {
        resourceType: 'mainFrame',
        responseHeaders: { 'content-security-policy': ['default-src *'] },
      },
      (response: { responseHeaders: Record<string, string[]> }) =>
        (headers = response.responseHeaders),
    );
    expect(headers).toEqual({ 'Content-Security-Policy': [SHELL_CSP] });
  });

  it('shows a key’s base-URL confirmation code in its own dialog, never in the admin answer', async () => {
    const admin = (method: string, path: string, body: unknown) =>
      fetch(`${origin}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const url = 'http://127.0.0.1:9/v1';
    await admin('PUT', '/admin/providers/shell-mock', {
      custom: true,
      baseUrl: url,
      format: 'openai',
    });
    const added = await admin('POST', '/admin/keys', {
      provider: 'shell-mock',
      label: 'env',
      env: 'SY_SHELL_UNSET_KEY',
    });
    const id = ((await added.json()) as { key: { id: string } }).key.id;
    const asked = await admin('POST', `/admin/keys/${id}/base-url/code`, {});
    const text = await asked.text();
    expect(asked.status, text).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ baseUrl: url, shownIn: 'a Switchyard dialog' });
    expect(text).not.toMatch(/\d{6}/);
    const code = /code (\d{6})/.exec(record.messageBoxes.at(-1) ?? '')?.[1];
    const confirmed = await admin('POST', `/admin/keys/${id}/base-url/confirm`, {
      baseUrl: url,
      code,
    });
    expect(confirmed.status).toBe(200);
    await admin('DELETE', `/admin/keys/${id}`, undefined);
  });

  it('pauses and resumes routing from the tray', async () => {
    const paused = async () =>
      (
        (await (
          await fetch(`${origin}/admin/status`, {
            headers: { authorization: `Bearer ${adminToken}` },
          })
        ).json()) as { paused: boolean }
      ).paused;
    expect(menuItem(/^Pause routing/)).toMatchObject({ enabled: true, checked: false });
    menuItem(/^Pause routing/).click?.();
    expect(await paused()).toBe(true);
    expect(record.trays[0]?.tooltip).toBe('Switchyard: routing paused');
    menuItem(/^Pause routing/).click?.();
    expect(await paused()).toBe(false);
  });

  it('puts a tray up whose menu copies the proxy URL and reopens the window', () => {
    const tray = record.trays[0];
    // No keys yet: amber, saying what to do first.
    expect((tray?.image as { path: string }).path).toMatch(/resources\/icons\/tray-degraded\.png$/);
    expect(tray?.tooltip).toBe('Switchyard: No keys yet');
    menuItem(/^Copy proxy URL/).click?.();
    expect(record.clipboard).toEqual([`${origin}/v1`]);

    const closing = window.userClose();
    expect(closing.defaultPrevented).toBe(true);
    expect(window.visible).toBe(false);
    menuItem(/^Open dashboard/).click?.();
    expect(window.visible).toBe(true);
    window.hide();
    app.emit('second-instance');
    expect(window.visible).toBe(true);
  });

  it('turns the tray amber when a config edit is refused, from the engine’s own status', async () => {
    await writeFile(join(dataDir, 'config.json'), '{"version": 1, "routes": [{"name": "x"}]}');
    await vi.waitFor(
      () =>
        expect(record.trays[0]?.tooltip).toBe('Switchyard: A config edit was refused, no keys yet'),
      { timeout: 12_000, interval: 200 },
    );
    expect((record.trays[0]?.image as { path: string }).path).toMatch(/tray-degraded\.png$/);
  });

  it('quits by draining the engine, saving the window’s place, and only then ending', async () => {
    app.quit();
    expect(record.quitFinished).toBe(false);
    await vi.waitFor(() => expect(record.quitFinished).toBe(true), { timeout: 15_000 });
    await expect(fetch(`${origin}/healthz`)).rejects.toThrow();
    expect(record.trays[0]?.destroyed).toBe(true);
    expect(window.destroyed).toBe(true);
    const state = JSON.parse(await readFile(join(dataDir, 'window-state.json'), 'utf8')) as {
      bounds: { width: number };
    };
    expect(state.bounds.width).toBe(1200);
    await expect(stat(join(dataDir, 'engine.json'))).rejects.toThrow();
  });

  it('never writes the admin token or the proxy key to its log', () => {
    const text = logs.join('');
    expect(text).toContain('engine: listening at');
    expect(text).not.toContain(adminToken);
    expect(text).not.toMatch(/sy-[A-Za-z0-9_-]{20,}/);
  });
});
