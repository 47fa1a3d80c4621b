export type ShellArgs = { dataDir?: string; port?: number };

/** The engine's usual port; when it is taken the shell falls back to any free one. */
export const DEFAULT_PORT = 4141;

/**
 * The desktop app's own switches, `--data-dir=<path>` and `--port=<n>` (`0`: any free port), as
 * `switchyard serve` spells them. Everything else on the command line belongs to Electron or
 * Chromium and is left alone; a malformed value is ignored rather than fatal, since a desktop
 * app has no terminal to complain to.
 */
export function parseShellArgs(argv: readonly string[]): ShellArgs {
  const out: ShellArgs = {};
  for (const arg of argv) {
    if (arg.startsWith('--data-dir=') && arg.length > '--data-dir='.length) {
      out.dataDir = arg.slice('--data-dir='.length);
    } else if (arg.startsWith('--port=')) {
      const text = arg.slice('--port='.length);
      const port = Number(text);
      if (/^\d+$/.test(text) && port <= 65_535) out.port = port;
    }
  }
  return out;
}
