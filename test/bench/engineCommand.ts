// How a benchmark starts `switchyard serve`: as users run it, the bundled bin (dist/main/cli.js)
// with the Node flags of its shebang (main/engineFlags.ts), built from this checkout first so the
// numbers are of the code beside them. From source, Node would strip every module's types at load
// and hold that in memory too, which no user's engine does.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_ENV, ENGINE_NODE_FLAGS } from '../../main/engineFlags.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Bundles the engine (`npm run build:main`); throws when the build fails. */
export function buildEngine(): void {
  const result = spawnSync(process.execPath, ['main/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run build:main failed (exit ${result.status})`);
}

/** The environment the bin's shebang adds. */
export const SERVE_ENV = ENGINE_ENV;

/**
 * The arguments after `node` that run `switchyard serve …`, as the bin's shebang does: this
 * checkout's bundle, or that of the checkout at `checkout` (its bundle as built there), with the
 * bin's Node flags or `flags` in their place.
 */
export function serveArgs(
  args: string[],
  checkout = root,
  flags: readonly string[] = ENGINE_NODE_FLAGS,
): string[] {
  return [...flags, join(checkout, 'dist/main/cli.js'), 'serve', ...args];
}
