import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The data folder and its files are the user's alone: keys' labels, prompts, spend, the token file. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const octal = (mode: number) => (mode & 0o777).toString(8);

/** Takes group and other bits off one path; returns "name old→new" when it changed anything. */
function tighten(path: string, label: string, mode: number, wanted: number): string | undefined {
  if ((mode & 0o077) === 0) return undefined;
  const next = mode & wanted & 0o777;
  chmodSync(path, next);
  return `${label} ${octal(mode)}→${octal(next)}`;
}

/**
 * Brings an existing data folder to 0700 and the files directly in it to 0600 (a folder made by
 * an older version, or by hand, may be 0755 with a 0644 request log). Returns the one log line
 * that says what was tightened, or undefined when nothing needed it. Windows has no such modes.
 */
export function tightenDataFolder(dir: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  let dirMode: number;
  try {
    dirMode = statSync(dir).mode;
  } catch {
    return undefined;
  }
  const changed: string[] = [];
  const own = tighten(dir, dir, dirMode, PRIVATE_DIR_MODE);
  if (own) changed.push(own);
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  )) {
    if (!entry.isFile()) continue;
    const path = join(dir, entry.name);
    const done = tighten(path, entry.name, statSync(path).mode, PRIVATE_FILE_MODE);
    if (done) changed.push(done);
  }
  return changed.length === 0
    ? undefined
    : `data folder: tightened permissions so only you can read it: ${changed.join(', ')}`;
}
