// Electron glue for the one window: creation, the navigation and permission guards, CSP, and
// remembering where it was. The decisions live in the pure modules it calls.
import { BrowserWindow, screen, shell, type Session } from 'electron';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../config/configFile.ts';
import { headersWithCsp } from './contentSecurityPolicy.ts';
import { navigationDecision, permissionAllowed, windowOpenDecision } from './navigationGuards.ts';
import { MIN_WINDOW_SIZE, mainWindowOptions } from './windowOptions.ts';
import {
  parseWindowState,
  restoreBounds,
  serializeWindowState,
  type WindowState,
} from './windowState.ts';

const SAVE_DELAY_MS = 500;

export type ShellWindowOptions = {
  appOrigin: string;
  preloadPath: string;
  iconPath: string;
  statePath: string;
  devTools: boolean;
  log: (message: string) => void;
};

export type ShellWindow = {
  window: BrowserWindow;
  /** Writes the window's place now; the quit path awaits it. */
  saveState: () => Promise<void>;
};

function readSavedState(path: string): WindowState | undefined {
  try {
    return parseWindowState(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export function createShellWindow(options: ShellWindowOptions): ShellWindow {
  const primary = screen.getPrimaryDisplay();
  const workAreas = [
    primary.workArea,
    ...screen
      .getAllDisplays()
      .filter((display) => display.id !== primary.id)
      .map((display) => display.workArea),
  ];
  const restored = restoreBounds(readSavedState(options.statePath), workAreas, MIN_WINDOW_SIZE);
  const window = new BrowserWindow(
    mainWindowOptions({
      bounds: restored.bounds,
      preloadPath: options.preloadPath,
      iconPath: options.iconPath,
      devTools: options.devTools,
    }),
  );
  if (restored.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  guardContents(window, options.appOrigin, options.log);

  let timer: NodeJS.Timeout | undefined;
  let last = '';
  const saveState = async (): Promise<void> => {
    clearTimeout(timer);
    if (window.isDestroyed()) return;
    const text = serializeWindowState({
      bounds: window.getNormalBounds(),
      maximized: window.isMaximized(),
    });
    if (text === last) return;
    last = text;
    await writeFileAtomic(options.statePath, text).catch((err: unknown) =>
      options.log(`window: could not save its position: ${(err as Error).message}`),
    );
  };
  const saveSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void saveState(), SAVE_DELAY_MS);
  };
  window.on('resize', saveSoon);
  window.on('move', saveSoon);
  window.on('maximize', saveSoon);
  window.on('unmaximize', saveSoon);
  window.on('close', () => void saveState());
  return { window, saveState };
}

function guardContents(window: BrowserWindow, appOrigin: string, log: (m: string) => void): void {
  const contents = window.webContents;
  const openExternally = (url: string) =>
    shell
      .openExternal(url)
      .catch((err: unknown) => log(`window: could not open a link: ${(err as Error).message}`));

  contents.setWindowOpenHandler(({ url }) => {
    if (windowOpenDecision(url) === 'open-externally') void openExternally(url);
    return { action: 'deny' };
  });
  contents.on('will-frame-navigate', (event) => {
    const decision = navigationDecision(event.url, appOrigin, event.isMainFrame);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-externally') void openExternally(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (navigationDecision(event.url, appOrigin, false) !== 'allow') event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  hardenSession(contents.session, appOrigin);
}

function hardenSession(session: Session, appOrigin: string): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(permissionAllowed(permission, details.requestingUrl, appOrigin)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    permissionAllowed(permission, requestingOrigin, appOrigin),
  );
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: headersWithCsp(details.resourceType, details.responseHeaders) }),
  );
}
