// Finds the Electron binary the way main/launch.mjs does (electron's path.txt, under
// ELECTRON_OVERRIDE_DIST_PATH or the package's dist/), but never fetches it: a test must not
// download anything.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronLookup = { binary: string } | { binary: undefined; reason: string };

export function findElectronBinary(): ElectronLookup {
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { binary: undefined, reason: 'the electron package is not installed' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile))
    return {
      binary: undefined,
      reason: `no Electron binary: ${pathFile} is missing (Electron fetches its binary on first use, which needs the internet; run "npx install-electron" once online)`,
    };
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkgDir, 'dist');
  const binary = join(dist, readFileSync(pathFile, 'utf8'));
  return existsSync(binary)
    ? { binary }
    : { binary: undefined, reason: `no Electron binary at ${binary}` };
}

/** Linux needs an X display: the session's own, or a private Xvfb the test starts. */
export function displayProblem(): string | undefined {
  if (process.platform !== 'linux' || process.env.DISPLAY) return undefined;
  const xvfb = spawnSync('sh', ['-c', 'command -v Xvfb'], { stdio: 'ignore' });
  return xvfb.status === 0 ? undefined : 'no X display and no Xvfb (apt-get install xvfb)';
}
