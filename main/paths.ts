import { homedir } from 'node:os';
import { join } from 'node:path';

/** The product name Electron derives `userData` from; the headless engine uses the same folder. */
export const APP_FOLDER_NAME = 'Switchyard';

/**
 * The per-user data folder, the same one Electron's `app.getPath('userData')` returns, so the
 * desktop app and `switchyard serve` share config, log and keys.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_FOLDER_NAME);
  if (platform === 'win32')
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_FOLDER_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), APP_FOLDER_NAME);
}

export const CONFIG_FILE_NAME = 'config.json';
export const RUNTIME_FILE_NAME = 'engine.json';
