import { describe, expect, it } from 'vitest';
import { MIN_WINDOW_SIZE, mainWindowOptions } from '../../../main/electron/windowOptions.ts';

const input = {
  bounds: { width: 1000, height: 700, x: 10, y: 20 },
  preloadPath: '/app/dist/main/electron/preload.cjs',
  iconPath: '/app/resources/icons/icon.png',
  devTools: false,
};

describe('mainWindowOptions', () => {
  it('isolates the renderer: sandbox and context isolation on, Node off everywhere', () => {
    const prefs = mainWindowOptions(input).webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      experimentalFeatures: false,
    });
    expect(prefs?.preload).toBe(input.preloadPath);
  });

  it('takes the restored bounds and keeps the window hidden until its first paint', () => {
    const options = mainWindowOptions(input);
    expect(options).toMatchObject({ width: 1000, height: 700, x: 10, y: 20, show: false });
    expect(options.minWidth).toBe(MIN_WINDOW_SIZE.width);
    expect(options.minHeight).toBe(MIN_WINDOW_SIZE.height);
    expect(options.icon).toBe(input.iconPath);
  });

  it('opens DevTools only when asked (development)', () => {
    expect(mainWindowOptions(input).webPreferences?.devTools).toBe(false);
    expect(mainWindowOptions({ ...input, devTools: true }).webPreferences?.devTools).toBe(true);
  });

  it('leaves the position to the OS when none was restored', () => {
    const options = mainWindowOptions({ ...input, bounds: { width: 1200, height: 800 } });
    expect('x' in options).toBe(false);
    expect('y' in options).toBe(false);
  });
});
