/**
 * Runs the pinned Claude Code CLI (this folder's package.json) in print mode, as a new user would:
 * a throwaway HOME, no settings, no --model, pointed at Switchyard by ANTHROPIC_BASE_URL and
 * ANTHROPIC_AUTH_TOKEN. Nothing from the caller's environment reaches it but PATH.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLAUDE_BIN = fileURLToPath(new URL('./node_modules/.bin/claude', import.meta.url));

export interface ClaudeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * `claude -p PROMPT ...extraArgs` against `baseUrl` with `token`, killed (its whole process group,
 * by PID) if it has not finished within `timeoutMs`.
 */
export async function runClaude(
  target: { baseUrl: string; token: string },
  prompt: string,
  extraArgs: readonly string[] = [],
  timeoutMs = 45_000,
): Promise<ClaudeRun> {
  const home = await mkdtemp(join(tmpdir(), 'switchyard-claude-home-'));
  try {
    const child = spawn(CLAUDE_BIN, ['-p', prompt, ...extraArgs], {
      cwd: home,
      // Its own process group, so the Bash tool's children go down with it.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        ANTHROPIC_BASE_URL: target.baseUrl,
        ANTHROPIC_AUTH_TOKEN: target.token,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killGroup = () => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone between the check and the kill.
        }
      }
    };
    const timer = setTimeout(killGroup, timeoutMs);
    try {
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
        (resolve, reject) => {
          child.once('error', reject);
          child.once('close', (c, s) => resolve([c, s]));
        },
      );
      return { code, signal, stdout, stderr };
    } finally {
      clearTimeout(timer);
      killGroup();
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
