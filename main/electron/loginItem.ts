// Start at login. macOS and Windows keep this setting themselves (app.setLoginItemSettings, in
// main.ts); on Linux it is an XDG autostart entry, written here.
import { readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/configFile.ts';

const AUTOSTART_FILE = 'switchyard.desktop';

/** The XDG autostart folder: `$XDG_CONFIG_HOME/autostart`, by default `~/.config/autostart`. */
export function autostartDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'autostart');
}

/** Quotes one Exec argument as the Desktop Entry spec asks, then escapes it as a string value. */
function execArg(arg: string): string {
  const quoted = `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replace(/\\/g, '\\\\');
}

/**
 * The autostart entry. `command` is what relaunches this app: for an AppImage its own path
 * (`$APPIMAGE`), since the mounted executable's path changes on every run.
 */
export function autostartDesktopEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Switchyard',
    'Comment=One local endpoint for all your LLM API keys',
    `Exec=${command.map(execArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export async function linuxStartAtLogin(dir: string): Promise<boolean> {
  const text = await readFile(join(dir, AUTOSTART_FILE), 'utf8').catch(() => undefined);
  return text !== undefined && !/^X-GNOME-Autostart-enabled=false$/m.test(text);
}

export async function setLinuxStartAtLogin(
  dir: string,
  enabled: boolean,
  command: readonly string[],
): Promise<void> {
  const file = join(dir, AUTOSTART_FILE);
  if (!enabled) {
    await rm(file, { force: true });
    return;
  }
  await writeFileAtomic(file, autostartDesktopEntry(command));
}
