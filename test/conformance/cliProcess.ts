/**
 * How each real CLI runs in these tests: in a throwaway HOME, in its own process group, its output
 * collected, and killed (the whole group, by PID) if it has not finished in time, however the
 * test ends.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** What to run once the throwaway HOME exists (its setup written by `prepare`). */
export interface CliCommand {
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Makes a throwaway HOME (`prefix`…), runs the command `prepare` gives for it, then removes it. */
export async function runInThrowawayHome(
  prefix: string,
  prepare: (home: string) => Promise<CliCommand>,
  timeoutMs: number,
): Promise<CliRun> {
  const home = await mkdtemp(join(tmpdir(), prefix));
  try {
    const { command, args, cwd, env } = await prepare(home);
    const child = spawn(command, args, {
      cwd,
      // Its own process group, so the tools' children go down with it.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
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
