import type { TrayLevel, TrayState } from './trayState.ts';

export type TrayAction =
  'open-dashboard' | 'copy-proxy-url' | 'toggle-pause' | 'toggle-start-at-login' | 'quit';

/** A menu entry as plain data; the Electron glue turns `action` into a click handler. */
export type TrayMenuItem =
  | { kind: 'separator' }
  | { kind: 'info'; label: string }
  | { kind: 'action'; label: string; action: TrayAction; enabled: boolean }
  | { kind: 'toggle'; label: string; action: TrayAction; checked: boolean; enabled: boolean };

export type TrayMenuInput = {
  state: TrayState;
  proxyUrl: string;
  /** undefined while the engine has no pause switch: the entry is shown, disabled, saying so. */
  paused: boolean;
  /** undefined where the platform has no login-item support the shell can drive. */
  startAtLogin: boolean | undefined;
};

/** Image file names in resources/icons/ for each level (each has an @2x twin for HiDPI). */
export const TRAY_ICON_FILES: Record<TrayLevel, string> = {
  ready: 'tray-ready.png',
  degraded: 'tray-degraded.png',
  limited: 'tray-limited.png',
};

export function trayTooltip(state: TrayState, paused: boolean): string {
  return `Switchyard: ${paused ? 'routing paused' : state.headline}`;
}

/** The tray menu: the quota summary on top, then the actions. */
export function trayMenu(input: TrayMenuInput): TrayMenuItem[] {
  return [
    { kind: 'info', label: input.paused ? 'Routing paused' : input.state.headline },
    ...input.state.lines.map((label): TrayMenuItem => ({ kind: 'info', label })),
    { kind: 'separator' },
    { kind: 'action', label: 'Open dashboard', action: 'open-dashboard', enabled: true },
    {
      kind: 'action',
      label: `Copy proxy URL (${input.proxyUrl})`,
      action: 'copy-proxy-url',
      enabled: input.proxyUrl !== '',
    },
    {
      kind: 'toggle',
      label: 'Pause routing',
      action: 'toggle-pause',
      checked: input.paused,
      enabled: true,
    },
    {
      kind: 'toggle',
      label: 'Start at login',
      action: 'toggle-start-at-login',
      checked: input.startAtLogin === true,
      enabled: input.startAtLogin !== undefined,
    },
    { kind: 'separator' },
    { kind: 'action', label: 'Quit Switchyard', action: 'quit', enabled: true },
  ];
}
