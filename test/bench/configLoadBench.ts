// npm run bench -- configLoad: how long a config of 1,000, 10,000 and 100,000 routes takes to load,
// step by step: parse and validate the file's text, shape the catalog by it, list the limiter's
// targets (every route resolved once) and seed the limiter's pools. Each is the engine's own code
// path at start and on every reload; the event loop is blocked for their sum. Then, in a running
// `switchyard serve`, how long SIGTERM takes to end it during a hot reload. BENCH_SIZES changes
// the sizes (comma-separated), BENCH_RUNS the runs per size (median reported).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseConfigText } from '../../app/config/parse.ts';
import { seedTargets } from '../../app/limiter/outcomes.ts';
import { EMPTY_LIMITER_STATE } from '../../app/limiter/state.ts';
import { DEFAULT_CATALOG_PATH } from '../../main/proxy/proxyService.ts';
import { loadShippedCatalog, ProviderDirectory } from '../../main/engine/providerDirectory.ts';
import { seedTargetsFor } from '../../main/engine/seedTargets.ts';
import { manyRoutesConfig } from './configFixture.ts';
import { median } from './stats.ts';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const catalog = loadShippedCatalog(DEFAULT_CATALOG_PATH);

type Row = { parse: number; catalog: number; targets: number; seed: number };

function once(text: string): Row {
  const t0 = performance.now();
  const parsed = parseConfigText(text);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const t1 = performance.now();
  const providers = new ProviderDirectory(catalog, parsed.config);
  const t2 = performance.now();
  const targets = seedTargetsFor(parsed.config, providers);
  const t3 = performance.now();
  seedTargets(EMPTY_LIMITER_STATE, targets, Date.now());
  const t4 = performance.now();
  return { parse: t1 - t0, catalog: t2 - t1, targets: t3 - t2, seed: t4 - t3 };
}

const ms = (n: number) => n.toFixed(n < 10 ? 1 : 0).padStart(9);
console.log(`config load, median of ${RUNS} runs (ms)`);
console.log(
  `${'routes'.padStart(8)} ${'parse'.padStart(9)} ${'catalog'.padStart(9)} ${'targets'.padStart(9)} ${'seed'.padStart(9)} ${'total'.padStart(9)}`,
);
for (const size of SIZES) {
  const text = JSON.stringify(manyRoutesConfig(size));
  const rows = Array.from({ length: RUNS }, () => once(text));
  const pick = (f: (r: Row) => number) => median(rows.map(f));
  console.log(
    `${String(size).padStart(8)} ${ms(pick((r) => r.parse))} ${ms(pick((r) => r.catalog))} ${ms(pick((r) => r.targets))} ${ms(pick((r) => r.seed))} ${ms(pick((r) => r.parse + r.catalog + r.targets + r.seed))}`,
  );
}

// The same configs in a running `switchyard serve`: the config file is rewritten (a hot reload)
// and SIGTERM follows 100 ms later, while the reload runs; how long until the process is gone.
// A blocked event loop delays the signal handler, so this is the load's cost as a user feels it.
const CLI = fileURLToPath(new URL('../../main/cli/main.ts', import.meta.url));

async function sigtermDuringReload(size: number): Promise<{ startMs: number; exitMs: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-bench-config-'));
  const config = manyRoutesConfig(size);
  await writeFile(join(dataDir, 'config.json'), JSON.stringify(config));
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--json'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, SWITCHYARD_PROXY_KEY: 'sy-bench-config-key-0123456789' },
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', () => resolve());
      child.once('exit', (code) => reject(new Error(`serve exited ${code} before ready`)));
    });
    const startMs = performance.now() - started;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const routes = config.routes as Array<{ name: string }>;
    routes[0] = { ...routes[0], name: 'renamed-0' } as { name: string };
    await writeFile(join(dataDir, 'config.json'), JSON.stringify(config));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const signalled = performance.now();
    child.kill('SIGTERM');
    await exited;
    return { startMs, exitMs: performance.now() - signalled };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
}

console.log(
  '\nswitchyard serve: start until ready, and SIGTERM during a hot reload until exit (ms)',
);
console.log(`${'routes'.padStart(8)} ${'start'.padStart(9)} ${'exit'.padStart(9)}`);
for (const size of SIZES) {
  const { startMs, exitMs } = await sigtermDuringReload(size);
  console.log(`${String(size).padStart(8)} ${ms(startMs)} ${ms(exitMs)}`);
}
console.log('\nReproduce: npm run bench -- configLoad');
