import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  autostartDesktopEntry,
  autostartDir,
  linuxStartAtLogin,
  setLinuxStartAtLogin,
} from '../../../main/electron/loginItem.ts';

const scratch = await mkdtemp(join(tmpdir(), 'switchyard-autostart-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('autostartDesktopEntry', () => {
  it('quotes each argument as the Desktop Entry spec asks', () => {
    const entry = autostartDesktopEntry(['/opt/My Apps/Switchyard.AppImage', 'a"b$c']);
    expect(entry).toContain('Exec="/opt/My Apps/Switchyard.AppImage" "a\\\\"b\\\\$c"\n');
    expect(entry.startsWith('[Desktop Entry]\nType=Application\n')).toBe(true);
  });
});

describe('autostartDir', () => {
  it('follows XDG_CONFIG_HOME, else ~/.config', () => {
    expect(autostartDir({ XDG_CONFIG_HOME: '/x' }, '/home/u')).toBe('/x/autostart');
    expect(autostartDir({}, '/home/u')).toBe('/home/u/.config/autostart');
  });
});

describe('Linux start at login', () => {
  it('is off until set, on after, and off again once removed', async () => {
    const dir = join(scratch, 'autostart');
    expect(await linuxStartAtLogin(dir)).toBe(false);
    await setLinuxStartAtLogin(dir, true, ['/usr/bin/switchyard']);
    expect(await linuxStartAtLogin(dir)).toBe(true);
    expect(await readFile(join(dir, 'switchyard.desktop'), 'utf8')).toContain(
      'Exec="/usr/bin/switchyard"',
    );
    await setLinuxStartAtLogin(dir, false, []);
    expect(await linuxStartAtLogin(dir)).toBe(false);
  });
});
