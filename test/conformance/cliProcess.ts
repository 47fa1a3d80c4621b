/**
 * How each real CLI runs in these tests: in a throwaway HOME, in its own process group, its output
 * collected, and killed (the whole group, by PID) if it has not finished in time, however the
 * test ends.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** What a CLI runs in its throwaway HOME, and what it finds there. */
export interface CliCommand {
  command: string;
  args: readonly string[];
  /** Its environment besides PATH and HOME: nothing else of the caller's reaches it. */
  env: Record<string, string>;
  /** Written under HOME before it starts, by path relative to HOME. */
  files?: Record<string, string>;
  /** Runs in an empty folder `work` under HOME rather than in HOME itself. */
  inWorkFolder?: boolean;
}

/** Makes a throwaway HOME (`prefix`…), runs the command `commandFor` gives for it, then removes it. */
export async function runInThrowawayHome(
  prefix: string,
  commandFor: (home: string) => CliCommand,
  timeoutMs: number,
): Promise<CliRun> {
  const home = await mkdtemp(join(tmpdir(), prefix));
  try {
    const { command, args, env, files = {}, inWorkFolder = false } = commandFor(home);
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(home, path)), { recursive: true });
      await writeFile(join(home, path), text);
    }
    const cwd = inWorkFolder ? join(home, 'work') : home;
    await mkdir(cwd, { recursive: true });
    const child = spawn(command, args, {
      cwd,
      // Its own process group, so the tools' children go down with it.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...env },
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
