import { parseArgs } from 'node:util';
import { isLoopbackHost } from '../server/guards.ts';

export const DEFAULT_PORT = 4141;

export type ServeArgs = {
  command: 'serve';
  port: number;
  host: string;
  allowRemote: boolean;
  dataDir: string | undefined;
  config: string | undefined;
  json: boolean;
};

export type CliCommand = ServeArgs | { command: 'help' } | { command: 'version' };

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: switchyard <command> [options]

Commands:
  serve                 Run the engine headless: the proxy, the admin API and the dashboard.

Options for serve:
  --port <n>            Port to listen on (default ${DEFAULT_PORT}; 0 picks any free port).
  --host <addr>         Address to bind (default 127.0.0.1). Non-loopback needs --allow-remote.
  --allow-remote        Allow a non-loopback --host. Anyone who can reach it and has the proxy key can spend your quota.
  --data-dir <path>     Data folder (default: the same folder the desktop app uses).
  --config <path>       Config file (default: config.json in the data folder).
  --json                Print one JSON line when ready, for scripts.

  switchyard --version | --help`;

/** Parses argv (without node and script) into a command, or throws UsageError saying what to fix. */
export function parseCli(argv: string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'allow-remote': { type: 'boolean' },
        'data-dir': { type: 'string' },
        config: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const command = positionals[0];
  if (command === undefined) return { command: 'help' };
  if (command !== 'serve') throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);

  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, got "${values.port}".`);
  }
  const host = values.host ?? '127.0.0.1';
  const allowRemote = values['allow-remote'] ?? false;
  if (!isLoopbackHost(host) && !allowRemote) {
    throw new UsageError(
      `--host ${host} is not a loopback address. Switchyard holds your provider keys, so it listens on 127.0.0.1 by default. If you really want other machines to reach it, add --allow-remote.`,
    );
  }
  return {
    command: 'serve',
    port,
    host,
    allowRemote,
    dataDir: values['data-dir'],
    config: values.config,
    json: values.json ?? false,
  };
}
