// A sandboxed preload may require only 'electron'. This bundles preload.ts as main/build.mjs does
// and fails if anything else (zod, a node: module) has crept into its import graph.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('the preload bundle', () => {
  it('requires nothing but electron, and bundles only our own pure modules', async () => {
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: ['main/electron/preload.ts'],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const output = Object.values(result.metafile.outputs)[0];
    expect(output?.imports.map((entry) => entry.path)).toEqual(['electron']);
    expect(Object.keys(result.metafile.inputs).sort()).toEqual([
      'app/shell/bridge.ts',
      'main/electron/ipcChannels.ts',
      'main/electron/preload.ts',
    ]);
    expect(result.outputFiles[0]?.text).toContain('exposeInMainWorld');
  });
});
