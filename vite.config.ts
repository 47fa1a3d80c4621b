import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { precompressDir } from './main/server/precompress.ts';

/** Writes brotli and gzip copies beside the built files, which the engine serves as they are. */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'switchyard-precompress',
    apply: 'build',
    configResolved: (config) => {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle: async () => {
      await precompressDir(outDir);
    },
  };
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), precompress()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // Source maps are 4.5 MB the dashboard never needs; SWITCHYARD_SOURCEMAP=1 builds them to debug.
    sourcemap: process.env['SWITCHYARD_SOURCEMAP'] === '1',
  },
});
