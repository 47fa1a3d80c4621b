#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072 node --max-semi-space-size=8 --heap-growing-percent=25
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ConfigFileError } from '../config/configFile.ts';
import { startEngine } from '../engine/engine.ts';
import { loadMallocTrim } from '../engine/mallocTrim.ts';
import { QuietHeapRelease } from '../engine/quietHeapRelease.ts';
import { defaultDataDir } from '../paths.ts';
import { DatabaseError } from '../store/database.ts';
import { VERSION } from '../version.ts';
import { parseCli, UsageError, USAGE, type ServeArgs, type StatusArgs } from './args.ts';
import { CliError } from './engineClient.ts';
import { readSecret, runKeys, runStatus } from './stateCommands.ts';

/** The built dashboard: `../../dist/renderer` from both main/cli/main.ts and the bundled dist/main/cli.js. */
function dashboardDir(): string {
  return (
    process.env.SWITCHYARD_DASHBOARD_DIR ??
    fileURLToPath(new URL('../../dist/renderer/', import.meta.url))
  );
}

/** SWITCHYARD_DISCOVERY_INTERVAL_MS: how often keys' model lists are fetched (end-to-end tests shorten it). */
function discoveryInterval(): { discoveryIntervalMs?: number } {
  const ms = Number(process.env.SWITCHYARD_DISCOVERY_INTERVAL_MS);
  return Number.isInteger(ms) && ms >= 100 ? { discoveryIntervalMs: ms } : {};
}

async function serve(args: ServeArgs): Promise<void> {
  const dataDir = resolve(args.dataDir ?? defaultDataDir());
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`);
  const engine = await startEngine({
    host: args.host,
    port: args.port,
    allowRemote: args.allowRemote,
    dataDir,
    configPath: args.config === undefined ? undefined : resolve(args.config),
    dashboardDir: dashboardDir(),
    proxyKey: process.env.SWITCHYARD_PROXY_KEY || undefined,
    log,
    heapRelease: new QuietHeapRelease({ trim: loadMallocTrim() }),
    ...discoveryInterval(),
  });

  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ url: engine.url, proxyUrl: engine.proxyUrl, proxyKey: engine.proxyKey, dashboard: engine.dashboardUrl, dataDir: engine.dataDir })}\n`,
    );
  } else {
    process.stdout.write(
      [
        `Switchyard ${VERSION} is running.`,
        `  Proxy base URL (OpenAI and Anthropic SDKs): ${engine.proxyUrl}`,
        `  Proxy key:    ${engine.proxyKey}`,
        `  Dashboard:    ${engine.dashboardUrl}`,
        `  Data folder:  ${engine.dataDir}`,
        `  Config:       ${engine.configPath}`,
        args.allowRemote
          ? '  Warning: --allow-remote is on; anyone who can reach this address and has the proxy key can use your keys.'
          : '',
        'Press Ctrl+C to stop.',
        '',
      ]
        .filter((line) => line !== '')
        .join('\n') + '\n',
    );
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      log(`${signal} again: stopping now.`);
      process.exit(1);
    }
    log(
      `${signal}: finishing in-flight requests (up to 10 s), then stopping. Press Ctrl+C again to stop at once.`,
    );
    engine.stop(10_000).then(
      () => process.exit(0),
      (err: unknown) => {
        log(`stop failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** `switchyard status --watch`: redraws the status in place every 2 s until Ctrl+C. */
async function watchStatus(command: StatusArgs, dataDir: string): Promise<void> {
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.stdout.write('\x1b[2J');
  while (!stop.signal.aborted) {
    const text = await runStatus(command, dataDir, process.stdout.columns || 80);
    // Home, draw, clear what the last frame left below: no flicker from clearing first.
    process.stdout.write(`\x1b[H${text.replace(/\n/g, '\x1b[K\n')}\x1b[K\x1b[J`);
    await sleep(2000, undefined, { signal: stop.signal }).catch(() => undefined);
  }
  process.stdout.write('\n');
}

async function main(): Promise<void> {
  const command = parseCli(process.argv.slice(2));
  if (command.command === 'help') process.stdout.write(`${USAGE}\n`);
  else if (command.command === 'version') process.stdout.write(`${VERSION}\n`);
  else if (command.command === 'serve') await serve(command);
  else {
    const dataDir = resolve(command.dataDir ?? defaultDataDir());
    if (command.command === 'status' && command.watch && !command.json) {
      await watchStatus(command, dataDir);
    } else if (command.command === 'status') {
      process.stdout.write(`${await runStatus(command, dataDir)}\n`);
    } else {
      const { text, failed } = await runKeys(command, dataDir, readSecret);
      process.stdout.write(`${text}\n`);
      if (failed) process.exitCode = 1;
    }
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ConfigFileError) {
    process.stderr.write(`switchyard: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof CliError || err instanceof DatabaseError) {
    process.stderr.write(`switchyard: ${err.message}\n`);
    process.exit(1);
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    process.stderr.write(
      'switchyard: that port is in use, perhaps by another Switchyard. Pick another with --port, or --port 0 for any free one.\n',
    );
    process.exit(2);
  }
  process.stderr.write(`switchyard: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
