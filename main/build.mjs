// Bundles the engine for Node 24: the CLI (ESM) and the Electron main process and preload (CJS,
// as Electron's sandboxed preload requires). Dependencies stay external: they ship in node_modules.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['main/cli/main.ts'],
    outfile: 'dist/main/cli.js',
    format: 'esm',
  }),
  // The request log's worker thread, beside the CLI: requestLogThread.ts finds it there, from the
  // CLI bundle and from the Electron one alike.
  build({
    ...common,
    entryPoints: ['main/store/requestLogWorker.ts'],
    outfile: 'dist/main/requestLogWorker.js',
    format: 'esm',
  }),
  // CJS has no import.meta.url. Engine modules find files relative to themselves as
  // `../../resources/…`, which holds for main/<folder>/x.ts and for dist/main/cli.js; the Electron
  // bundle sits one folder deeper, so its stand-in URL names a file in dist/main/ to match.
  build({
    ...common,
    entryPoints: ['main/electron/main.ts'],
    outfile: 'dist/main/electron/main.cjs',
    format: 'cjs',
    external: ['electron'],
    define: { 'import.meta.url': '__moduleUrl' },
    banner: {
      js: "const __moduleUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', 'electron.cjs')).href;",
    },
  }),
  // A sandboxed preload may require only 'electron': everything else is bundled in.
  build({
    ...common,
    packages: undefined,
    entryPoints: ['main/electron/preload.ts'],
    outfile: 'dist/main/electron/preload.cjs',
    format: 'cjs',
    external: ['electron'],
  }),
]);

// V8 holds a script's source for as long as it runs, as one-byte text only while every character
// is Latin-1: a single other one (a µ in a regex, which esbuild leaves unescaped) doubled the
// CLI's 550 KB of source in the engine's heap. Escape it in the source (\u00b5) instead.
for (const file of ['dist/main/cli.js', 'dist/main/requestLogWorker.js']) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.findIndex((line) => [...line].some((char) => char.charCodeAt(0) > 0xff));
  if (at !== -1) {
    console.error(
      `${file}:${at + 1}: a character outside Latin-1; write it as a \\u escape:\n${lines[at]}`,
    );
    process.exit(1);
  }
}

// An ESM import of node:http loads Node's internal undici for ~13 MB of RSS (main/server/nodeHttp.ts
// says why); the engine takes it through nodeHttp.ts's `require` instead.
for (const file of ['dist/main/cli.js', 'dist/main/requestLogWorker.js']) {
  if (
    /\bfrom\s*["']node:http["']|import\(\s*["']node:http["']\s*\)/.test(readFileSync(file, 'utf8'))
  ) {
    console.error(`${file}: imports node:http as ESM; import it from main/server/nodeHttp.ts.`);
    process.exit(1);
  }
}
