// `npm start`: the desktop app where an Electron binary is available; otherwise the headless
// engine with the dashboard opened in the default browser, saying in one line why.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { ENGINE_ENV, ENGINE_NODE_FLAGS } from './engineFlags.ts';

const require = createRequire(import.meta.url);

/** The Electron binary, fetching it once if Electron's package has not yet (it does so lazily since v42). */
function findElectron() {
  if (process.env.SWITCHYARD_HEADLESS) return { reason: 'SWITCHYARD_HEADLESS is set' };
  let pkgDir;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed (run npm install)' };
  }
  const binaryAt = () => {
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile)) return undefined;
    const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkgDir, 'dist');
    const binary = join(dist, readFileSync(pathFile, 'utf8'));
    return existsSync(binary) ? binary : undefined;
  };
  const present = binaryAt();
  if (present) return { binary: present };
  const fetched = spawnSync(process.execPath, [join(pkgDir, 'install.js')], {
    stdio: 'ignore',
    timeout: 120_000,
  });
  const afterFetch = binaryAt();
  if (afterFetch) return { binary: afterFetch };
  return {
    reason: `no Electron binary, and fetching it failed (${fetched.error?.message ?? `exit ${fetched.status}`}; this machine may be offline)`,
  };
}

function openInBrowser(url) {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () =>
    console.log(
      `Could not open a browser (${cmd} is missing); open the dashboard link above yourself.`,
    ),
  );
  child.unref();
}

/**
 * The child gets its own process group, so a terminal's Ctrl+C reaches it once, through us; a
 * signal that reaches us twice within a moment (sent to us and to our group) is forwarded once.
 */
function forwardSignals(child) {
  let last = 0;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (Date.now() - last < 200) return;
      last = Date.now();
      child.kill(signal);
    });
  }
  child.on('exit', (code) => process.exit(code ?? 0));
}

const electron = findElectron();
if (electron.binary) {
  forwardSignals(spawn(electron.binary, ['.'], { stdio: 'inherit', detached: true }));
} else {
  console.log(`Starting Switchyard headless in the browser: ${electron.reason}.`);
  const child = spawn(
    process.execPath,
    [...ENGINE_NODE_FLAGS, 'dist/main/cli.js', 'serve', '--json', ...process.argv.slice(2)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
      env: { ...process.env, ...ENGINE_ENV },
    },
  );
  forwardSignals(child);
  const lines = createInterface({ input: child.stdout });
  lines.once('line', (line) => {
    const ready = JSON.parse(line);
    console.log(
      `  Proxy base URL: ${ready.proxyUrl}\n  Proxy key:      ${ready.proxyKey}\n  Dashboard:      ${ready.dashboard}\n  Data folder:    ${ready.dataDir}\nPress Ctrl+C to stop.`,
    );
    openInBrowser(ready.dashboard);
  });
}
