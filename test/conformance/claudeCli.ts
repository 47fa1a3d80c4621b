/**
 * Runs the pinned Claude Code CLI (this folder's package.json) in print mode, as a new user would:
 * a throwaway HOME, no settings, no --model, pointed at Switchyard by ANTHROPIC_BASE_URL and
 * ANTHROPIC_AUTH_TOKEN. Nothing from the caller's environment reaches it but PATH.
 */
import { fileURLToPath } from 'node:url';
import { runInThrowawayHome, type CliRun } from './cliProcess.ts';

export const CLAUDE_BIN = fileURLToPath(new URL('./node_modules/.bin/claude', import.meta.url));

/**
 * `claude -p PROMPT ...extraArgs` against `baseUrl` with `token`, killed (its whole process group,
 * by PID) if it has not finished within `timeoutMs`.
 */
export async function runClaude(
  target: { baseUrl: string; token: string },
  prompt: string,
  extraArgs: readonly string[] = [],
  timeoutMs = 45_000,
): Promise<CliRun> {
  return runInThrowawayHome(
    'switchyard-claude-home-',
    () => ({
      command: CLAUDE_BIN,
      args: ['-p', prompt, ...extraArgs],
      env: {
        ANTHROPIC_BASE_URL: target.baseUrl,
        ANTHROPIC_AUTH_TOKEN: target.token,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
      },
    }),
    timeoutMs,
  );
}
