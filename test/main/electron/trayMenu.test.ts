import { describe, expect, it } from 'vitest';
import { TRAY_ICON_FILES, trayMenu, trayTooltip } from '../../../main/electron/trayMenu.ts';
import type { TrayState } from '../../../main/electron/trayState.ts';

const state: TrayState = {
  level: 'degraded',
  headline: '1 of 2 keys limited',
  lines: ['Groq main: 40% left (day)', 'Gemini: cooling down'],
};
const input = {
  state,
  proxyUrl: 'http://127.0.0.1:4141/v1',
  paused: false,
  startAtLogin: false,
};

describe('trayMenu', () => {
  it('lists the quota summary first, then the actions, with quit last', () => {
    const items = trayMenu(input);
    expect(items.slice(0, 3)).toEqual([
      { kind: 'info', label: '1 of 2 keys limited' },
      { kind: 'info', label: 'Groq main: 40% left (day)' },
      { kind: 'info', label: 'Gemini: cooling down' },
    ]);
    const actions = items.flatMap((item) => ('action' in item ? [item.action] : []));
    expect(actions).toEqual([
      'open-dashboard',
      'copy-proxy-url',
      'toggle-pause',
      'toggle-start-at-login',
      'quit',
    ]);
    expect(items.at(-1)).toMatchObject({ action: 'quit', enabled: true });
  });

  it('shows the proxy URL it copies', () => {
    const copy = trayMenu(input).find(
      (item) => 'action' in item && item.action === 'copy-proxy-url',
    );
    expect(copy).toMatchObject({
      label: 'Copy proxy URL (http://127.0.0.1:4141/v1)',
      enabled: true,
    });
  });

  it('offers pause, checked while routing is paused', () => {
    const find = (paused: boolean) =>
      trayMenu({ ...input, paused }).find(
        (item) => 'action' in item && item.action === 'toggle-pause',
      );
    expect(find(false)).toMatchObject({
      kind: 'toggle',
      enabled: true,
      checked: false,
      label: 'Pause routing',
    });
    expect(find(true)).toMatchObject({
      kind: 'toggle',
      enabled: true,
      checked: true,
      label: 'Pause routing',
    });
    expect(trayMenu({ ...input, paused: true })[0]).toEqual({
      kind: 'info',
      label: 'Routing paused',
    });
  });

  it('reflects start at login, and greys it out where the platform has none', () => {
    const find = (startAtLogin: boolean | undefined) =>
      trayMenu({ ...input, startAtLogin }).find(
        (item) => 'action' in item && item.action === 'toggle-start-at-login',
      );
    expect(find(true)).toMatchObject({ checked: true, enabled: true });
    expect(find(false)).toMatchObject({ checked: false, enabled: true });
    expect(find(undefined)).toMatchObject({ checked: false, enabled: false });
  });
});

describe('trayTooltip and icons', () => {
  it('says the headline, or that routing is paused', () => {
    expect(trayTooltip(state, false)).toBe('Switchyard: 1 of 2 keys limited');
    expect(trayTooltip(state, true)).toBe('Switchyard: routing paused');
  });

  it('has one icon file per level', () => {
    expect(new Set(Object.values(TRAY_ICON_FILES)).size).toBe(3);
  });
});
