// Type-only import: erased at build time, so this module runs under plain Node in tests while tsc
// still checks every option name against Electron's own declarations.
import type { BrowserWindowConstructorOptions } from 'electron';
import type { Bounds } from './windowState.ts';

export const MIN_WINDOW_SIZE = { width: 820, height: 560 } as const;

export type WindowOptionsInput = {
  bounds: Bounds;
  preloadPath: string;
  iconPath: string;
  /** DevTools only in development; a packaged app keeps them shut. */
  devTools: boolean;
};

/**
 * The one window's options: a sandboxed, context-isolated renderer without Node, which gets only
 * the narrow preload bridge. Shown once its first paint is ready, so it never flashes white.
 */
export function mainWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    ...input.bounds,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'Switchyard',
    icon: input.iconPath,
    show: false,
    backgroundColor: '#1b1d22',
    autoHideMenuBar: true,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: input.devTools,
    },
  };
}
