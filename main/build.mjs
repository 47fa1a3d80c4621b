// Bundles the engine for Node 24: the CLI (ESM) and the Electron main process and preload (CJS,
// as Electron's sandboxed preload requires). Dependencies stay external: they ship in node_modules.
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
]);
