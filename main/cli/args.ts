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

export type StatusArgs = {
  command: 'status';
  dataDir: string | undefined;
  json: boolean;
  /** Redraw until Ctrl+C. */
  watch: boolean;
};

export type KeysArgs =
  | { command: 'keys'; action: 'list'; dataDir: string | undefined; json: boolean }
  | {
      command: 'keys';
      action: 'add';
      dataDir: string | undefined;
      provider: string;
      label: string;
      tier: 'free' | 'paid';
      /** Reference this environment variable instead of storing a secret. */
      env: string | undefined;
    }
  | { command: 'keys'; action: 'rm' | 'test'; dataDir: string | undefined; id: string };

export type CliCommand =
  ServeArgs | StatusArgs | KeysArgs | { command: 'help' } | { command: 'version' };

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: switchyard <command> [options]

Commands:
  serve                 Run the engine headless: the proxy, the admin API and the dashboard.
  status [--watch]      Show a running engine: keychain, keys, models to replace, quota gauges,
                        traffic and recent errors; --watch redraws until Ctrl+C.
  keys list             List provider keys (never their secrets).
  keys add --provider <id> [--label <text>] [--tier free|paid] [--env <NAME>]
                        Add a key. The secret is read from stdin when piped, else from a hidden
                        prompt, and stored in the OS keychain; --env references a variable instead.
  keys rm <id>          Remove a key and its secret.
  keys test <id>        Check a key against its provider.

Options for serve:
  --port <n>            Port to listen on (default ${DEFAULT_PORT}; 0 picks any free port).
  --host <addr>         Address to bind (default 127.0.0.1). Non-loopback needs --allow-remote.
  --allow-remote        Allow a non-loopback --host. Anyone who can reach it and has the proxy key can spend your quota.
  --config <path>       Config file (default: config.json in the data folder).

Options for every command:
  --data-dir <path>     Data folder (default: the same folder the desktop app uses).
  --json                Print JSON, for scripts (serve: one line when ready).

status and keys talk to the engine running for that data folder (switchyard serve or the app).

  switchyard --version | --help`;

const OPTIONS_OF: Record<string, readonly string[]> = {
  serve: ['port', 'host', 'allow-remote', 'data-dir', 'config', 'json'],
  status: ['data-dir', 'json', 'watch'],
  'keys list': ['data-dir', 'json'],
  'keys add': ['data-dir', 'provider', 'label', 'tier', 'env'],
  'keys rm': ['data-dir'],
  'keys test': ['data-dir'],
};

/** Secrets on the command line end up in shell history and `ps`: refuse them by name. */
const SECRET_FLAGS = /^--(?:secret|key|api-key|token|password)(?:=|$)/;

/** Parses argv (without node and script) into a command, or throws UsageError saying what to fix. */
export function parseCli(argv: string[]): CliCommand {
  const secretFlag = argv.find((arg) => SECRET_FLAGS.test(arg));
  if (secretFlag !== undefined) {
    throw new UsageError(
      `${secretFlag.split('=')[0]} is not accepted: a secret on the command line lands in your shell history and in the process list. Pipe it in (e.g. \`pass show groq | switchyard keys add --provider groq\`) or type it at the hidden prompt.`,
    );
  }
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
        watch: { type: 'boolean' },
        provider: { type: 'string' },
        label: { type: 'string' },
        tier: { type: 'string' },
        env: { type: 'string' },
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
  const [command, action, ...rest] = positionals;
  if (command === undefined) return { command: 'help' };
  const name = command === 'keys' ? `keys ${action ?? ''}`.trim() : command;
  const allowed = OPTIONS_OF[name];
  if (allowed === undefined) {
    throw new UsageError(
      command === 'keys'
        ? `"switchyard keys" needs one of: list, add, rm, test.\n\n${USAGE}`
        : `Unknown command "${command}".\n\n${USAGE}`,
    );
  }
  const unexpected = Object.keys(values).filter((option) => !allowed.includes(option));
  if (unexpected.length > 0) {
    throw new UsageError(`"switchyard ${name}" does not take --${unexpected.join(', --')}.`);
  }
  const dataDir = values['data-dir'];
  const json = values.json ?? false;

  if (command === 'serve') {
    if (action !== undefined)
      throw new UsageError(`"switchyard serve" takes no argument "${action}".`);
    return serveArgs(values, dataDir, json);
  }
  if (command === 'status') {
    if (action !== undefined)
      throw new UsageError(`"switchyard status" takes no argument "${action}".`);
    return { command: 'status', dataDir, json, watch: values.watch ?? false };
  }
  if (action === 'list') {
    if (rest.length > 0) throw new UsageError('"switchyard keys list" takes no arguments.');
    return { command: 'keys', action: 'list', dataDir, json };
  }
  if (action === 'add') {
    if (rest.length > 0) {
      // Whatever was typed there may be the secret itself: name the rule, not the value.
      throw new UsageError(
        '"switchyard keys add" takes no arguments besides its options. Never put a secret on the command line: pipe it in or type it at the hidden prompt.',
      );
    }
    if (values.provider === undefined) {
      throw new UsageError('"switchyard keys add" needs --provider <id>, e.g. --provider groq.');
    }
    const tier = values.tier ?? 'free';
    if (tier !== 'free' && tier !== 'paid') {
      throw new UsageError(`--tier must be "free" or "paid", got "${tier}".`);
    }
    return {
      command: 'keys',
      action: 'add',
      dataDir,
      provider: values.provider,
      label: values.label ?? values.provider,
      tier,
      env: values.env,
    };
  }
  const id = rest.length === 0 ? undefined : rest[0];
  if (id === undefined || rest.length > 1) {
    throw new UsageError(
      `"switchyard keys ${action}" needs exactly one key id (see "switchyard keys list").`,
    );
  }
  return { command: 'keys', action: action as 'rm' | 'test', dataDir, id };
}

function serveArgs(
  values: { port?: string; host?: string; 'allow-remote'?: boolean; config?: string },
  dataDir: string | undefined,
  json: boolean,
): ServeArgs {
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
  return { command: 'serve', port, host, allowRemote, dataDir, config: values.config, json };
}
