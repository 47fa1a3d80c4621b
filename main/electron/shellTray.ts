// Electron glue for the tray: reads the engine's quotas, draws the icon and menu from trayState,
// and shows the notifications noticesBetween asks for.
import {
  clipboard,
  Menu,
  nativeImage,
  Notification,
  Tray,
  type MenuItemConstructorOptions,
} from 'electron';
import { join } from 'node:path';
import {
  TRAY_ICON_FILES,
  trayMenu,
  trayTooltip,
  type TrayAction,
  type TrayMenuItem,
} from './trayMenu.ts';
import { noticesBetween, trayState, type QuotaSnapshot, type TrayState } from './trayState.ts';

export const TRAY_POLL_MS = 5_000;

export type StartAtLogin = {
  /** undefined where the platform offers no login item the shell can set. */
  get: () => Promise<boolean | undefined>;
  set: (enabled: boolean) => Promise<void>;
};

export type ShellTrayOptions = {
  iconsDir: string;
  appIconPath: string;
  /** What the engine knows now: keys, quotas, the keychain (read in the main process, no HTTP). */
  read: () => Promise<QuotaSnapshot>;
  paused: () => boolean;
  setPaused: (paused: boolean) => void;
  proxyUrl: string;
  startAtLogin: StartAtLogin;
  openDashboard: () => void;
  quit: () => void;
  log: (message: string) => void;
};

export type ShellTray = { stop: () => void };

export function startShellTray(options: ShellTrayOptions): ShellTray {
  const image = (state: TrayState) =>
    nativeImage.createFromPath(join(options.iconsDir, TRAY_ICON_FILES[state.level]));
  let snapshot: QuotaSnapshot = { keys: undefined, keychain: 'unknown', configErrors: 0 };
  let state = trayState(snapshot);
  let startAtLogin: boolean | undefined;
  let drawn = '';
  const tray = new Tray(image(state));

  const run = (action: TrayAction): void => {
    if (action === 'open-dashboard') options.openDashboard();
    else if (action === 'copy-proxy-url') clipboard.writeText(options.proxyUrl);
    else if (action === 'quit') options.quit();
    else if (action === 'toggle-start-at-login' && startAtLogin !== undefined) {
      const wanted = !startAtLogin;
      options.startAtLogin.set(wanted).then(
        () => {
          startAtLogin = wanted;
          draw();
        },
        (err: unknown) =>
          options.log(`tray: could not change start at login: ${(err as Error).message}`),
      );
    } else if (action === 'toggle-pause') {
      options.setPaused(!options.paused());
      draw();
    }
  };

  const toElectron = (item: TrayMenuItem): MenuItemConstructorOptions => {
    if (item.kind === 'separator') return { type: 'separator' };
    if (item.kind === 'info') return { label: item.label, enabled: false };
    if (item.kind === 'action')
      return { label: item.label, enabled: item.enabled, click: () => run(item.action) };
    return {
      label: item.label,
      type: 'checkbox',
      checked: item.checked,
      enabled: item.enabled,
      click: () => run(item.action),
    };
  };

  const draw = (): void => {
    const paused = options.paused();
    const items = trayMenu({ state, proxyUrl: options.proxyUrl, paused, startAtLogin });
    const key = JSON.stringify([state.level, items]);
    if (key === drawn) return;
    drawn = key;
    tray.setImage(image(state));
    tray.setToolTip(trayTooltip(state, paused));
    tray.setContextMenu(Menu.buildFromTemplate(items.map(toElectron)));
  };

  // An image rather than a path: a path inside app.asar means nothing to the OS's notifier.
  const appIcon = nativeImage.createFromPath(options.appIconPath);
  const notify = (next: QuotaSnapshot, previous: QuotaSnapshot | undefined): void => {
    if (!Notification.isSupported()) return;
    for (const notice of noticesBetween(previous, next))
      new Notification({
        title: notice.title,
        body: notice.body,
        icon: appIcon,
      }).show();
  };

  let first = true;
  const poll = async (): Promise<void> => {
    try {
      const next = await options.read();
      notify(next, first ? undefined : snapshot);
      first = false;
      snapshot = next;
      state = trayState(snapshot);
      draw();
    } catch (err) {
      options.log(`tray: could not read the engine's status: ${(err as Error).message}`);
    }
  };

  tray.on('click', options.openDashboard);
  draw();
  void options.startAtLogin.get().then(
    (enabled) => {
      startAtLogin = enabled;
      draw();
    },
    () => undefined,
  );
  void poll();
  const timer = setInterval(() => void poll(), TRAY_POLL_MS);

  return {
    stop: () => {
      clearInterval(timer);
      tray.destroy();
    },
  };
}
