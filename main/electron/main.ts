// The desktop shell: one engine (the same startEngine as `switchyard serve`), one window, a tray.
// Bundled to dist/main/electron/main.cjs by main/build.mjs; package.json's "main" points there.
import { app, dialog, type BrowserWindow } from 'electron';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startEngine, type Engine } from '../engine/engine.ts';
import { loadMallocTrim } from '../engine/mallocTrim.ts';
import { QuietHeapRelease } from '../engine/quietHeapRelease.ts';
import { APP_FOLDER_NAME, defaultDataDir } from '../paths.ts';
import { autostartDir, linuxStartAtLogin, setLinuxStartAtLogin } from './loginItem.ts';
import { portIsFree } from './portProbe.ts';
import { registerShellIpc } from './shellIpc.ts';
import { DEFAULT_PORT, parseShellArgs } from './shellArgs.ts';
import { startShellTray, type ShellTray, type StartAtLogin } from './shellTray.ts';
import { snapshotFromEngine } from './trayState.ts';
import { createShellWindow, type ShellWindow } from './shellWindow.ts';

const APP_ID = 'dev.switchyard.app';
const HOST = '127.0.0.1';
/** How long quitting waits for in-flight requests (streams included) before cutting them. */
const QUIT_GRACE_MS = 5_000;
const WINDOW_STATE_FILE = 'window-state.json';

const args = parseShellArgs(process.argv);
const dataDir = resolve(args.dataDir ?? defaultDataDir());

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
}

// The data folder is the one `switchyard serve` uses (main/paths.ts), whatever Electron would
// derive from package.json's lower-case name; Chromium's own caches go in a subfolder of it.
app.setName(APP_FOLDER_NAME);
app.setPath('userData', dataDir);
app.setPath('sessionData', join(dataDir, 'browser'));
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
app.enableSandbox();

let engine: Engine | undefined;
let shellWindow: ShellWindow | undefined;
let tray: ShellTray | undefined;
let quitting: 'no' | 'draining' | 'done' = 'no';

async function startEngineOnFreePort(): Promise<Engine> {
  const wanted = args.port ?? DEFAULT_PORT;
  const start = (port: number) =>
    startEngine({
      host: HOST,
      port,
      allowRemote: false,
      dataDir,
      dashboardDir:
        process.env.SWITCHYARD_DASHBOARD_DIR ?? join(app.getAppPath(), 'dist', 'renderer'),
      proxyKey: process.env.SWITCHYARD_PROXY_KEY || undefined,
      log,
      heapRelease: new QuietHeapRelease({ trim: loadMallocTrim() }),
      // A code that lets a key go to a new address is shown by the shell itself, where a page or
      // a process holding only the admin token cannot read it.
      showCode: (message) => {
        void dialog.showMessageBox({
          type: 'warning',
          title: 'Confirm a new provider address',
          message,
        });
        return 'a Switchyard dialog';
      },
    });
  if (wanted !== 0 && !(await portIsFree(HOST, wanted))) {
    log(`port ${wanted} is in use (another Switchyard, or another program); using a free port.`);
    return start(0);
  }
  try {
    return await start(wanted);
  } catch (err) {
    // Lost a race for the port between the probe and the bind.
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || wanted === 0) throw err;
    log(`port ${wanted} was taken just now; using a free port.`);
    return start(0);
  }
}

function startAtLoginSetting(): StartAtLogin {
  if (process.platform === 'darwin' || process.platform === 'win32') {
    return {
      get: async () => app.getLoginItemSettings().openAtLogin,
      set: async (enabled) => app.setLoginItemSettings({ openAtLogin: enabled }),
    };
  }
  if (process.platform === 'linux') {
    const dir = autostartDir();
    const command = [
      process.env.APPIMAGE ?? process.execPath,
      ...(app.isPackaged ? [] : [app.getAppPath()]),
    ];
    return {
      get: () => linuxStartAtLogin(dir),
      set: (enabled) => setLinuxStartAtLogin(dir, enabled, command),
    };
  }
  return { get: async () => undefined, set: async () => undefined };
}

function showWindow(): void {
  const window: BrowserWindow | undefined = shellWindow?.window;
  if (window === undefined || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

async function launch(): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  engine = await startEngineOnFreePort();
  const appOrigin = engine.url;
  log(`engine: listening at ${engine.url}; proxy at ${engine.proxyUrl}; data in ${dataDir}`);

  const appPath = app.getAppPath();
  const iconsDir = join(appPath, 'resources', 'icons');
  const appIconPath = join(iconsDir, 'icon.png');
  shellWindow = createShellWindow({
    appOrigin,
    preloadPath: join(appPath, 'dist', 'main', 'electron', 'preload.cjs'),
    iconPath: appIconPath,
    statePath: join(dataDir, WINDOW_STATE_FILE),
    devTools: !app.isPackaged,
    log,
  });
  const { window } = shellWindow;
  // Closing the window leaves the proxy serving from the tray; Quit (tray, menu, Cmd+Q) ends it.
  window.on('close', (event) => {
    if (quitting !== 'no') return;
    event.preventDefault();
    window.hide();
  });
  registerShellIpc({ window, appOrigin, adminToken: engine.adminToken, dataDir, log });

  // A failed first load (a network error; an HTTP error page still loads) leaves the tray and the
  // proxy running; the log says why.
  await window
    .loadURL(`${appOrigin}/`)
    .catch((err: unknown) =>
      log(`window: could not load the dashboard: ${(err as Error).message}`),
    );

  const running = engine;
  tray = startShellTray({
    iconsDir,
    appIconPath,
    read: async () => {
      const { quotaView, keys, keychain, models } = running.state;
      const [list, chain] = await Promise.all([keys.list(), keychain.status()]);
      return snapshotFromEngine({
        view: quotaView(),
        modelWatch: models.watch.entries(),
        keys: list,
        keychain: chain.state,
        configErrors: running.config.lastErrors,
        ...(running.state.team === undefined ? {} : { team: running.state.team.status() }),
      });
    },
    paused: () => running.paused,
    setPaused: (paused) => running.setPaused(paused),
    proxyUrl: running.proxyUrl,
    startAtLogin: startAtLoginSetting(),
    openDashboard: showWindow,
    quit: () => app.quit(),
    log,
  });
}

/** Stops the tray, saves the window's place and lets in-flight requests finish, all bounded. */
async function drain(): Promise<void> {
  tray?.stop();
  await shellWindow?.saveState();
  if (engine === undefined) return;
  const running = engine;
  await Promise.race([
    running.stop(QUIT_GRACE_MS),
    new Promise<void>((resolveTimeout) => setTimeout(resolveTimeout, QUIT_GRACE_MS + 2_000)),
  ]).catch((err: unknown) => log(`engine: stop failed: ${(err as Error).message}`));
}

if (!app.requestSingleInstanceLock()) {
  // Another Switchyard owns this data folder; it has been told to show its window.
  app.quit();
} else {
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  // The tray keeps the app alive with no window; only Quit ends it.
  app.on('window-all-closed', () => undefined);
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  app.on('before-quit', (event) => {
    if (quitting === 'done') return;
    event.preventDefault();
    if (quitting === 'draining') return;
    quitting = 'draining';
    log(`quitting: finishing in-flight requests (up to ${QUIT_GRACE_MS / 1000} s).`);
    void drain().finally(() => {
      quitting = 'done';
      app.quit();
    });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  app
    .whenReady()
    .then(launch)
    .catch(async (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      log(`switchyard: could not start: ${err instanceof Error ? err.stack : message}`);
      dialog.showErrorBox('Switchyard could not start', message);
      quitting = 'done';
      await engine?.stop(0).catch(() => undefined);
      app.exit(1);
    });
}
