/**
 * Runs the pinned Gemini CLI (this folder's package.json) in non-interactive mode, as a new user
 * would: a throwaway HOME whose settings turn usage statistics and telemetry off, pointed at
 * Switchyard by GOOGLE_GEMINI_BASE_URL and GEMINI_API_KEY (the proxy key). Nothing from the
 * caller's environment reaches it but PATH.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GEMINI_BIN = fileURLToPath(new URL('./node_modules/.bin/gemini', import.meta.url));

export interface GeminiRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * What a throwaway HOME's ~/.gemini/settings.json says: the Gemini API key as the auth method
 * (with GOOGLE_GEMINI_BASE_URL alone, Gemini CLI picks its "gateway" method, which print mode
 * refuses), no statistics, telemetry or updates.
 */
const SETTINGS = {
  security: { auth: { selectedType: 'gemini-api-key' } },
  privacy: { usageStatisticsEnabled: false },
  telemetry: { enabled: false },
  general: { disableAutoUpdate: true, disableUpdateNag: true },
};

/**
 * `gemini -p PROMPT ...extraArgs` against `baseUrl` with `key`, in a throwaway directory, killed
 * (its whole process group, by PID) if it has not finished within `timeoutMs`.
 */
export async function runGemini(
  target: { baseUrl: string; key: string },
  prompt: string,
  extraArgs: readonly string[] = [],
  timeoutMs = 60_000,
): Promise<GeminiRun> {
  const home = await mkdtemp(join(tmpdir(), 'switchyard-gemini-home-'));
  try {
    await mkdir(join(home, '.gemini'));
    await writeFile(join(home, '.gemini', 'settings.json'), JSON.stringify(SETTINGS));
    const work = join(home, 'work');
    await mkdir(work);
    const child = spawn(process.execPath, [GEMINI_BIN, '-p', prompt, ...extraArgs], {
      cwd: work,
      // Its own process group, so the shell tool's children go down with it.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        GOOGLE_GEMINI_BASE_URL: target.baseUrl,
        GEMINI_API_KEY: target.key,
        GEMINI_TELEMETRY_ENABLED: 'false',
        GEMINI_CLI_NO_RELAUNCH: 'true',
        NO_BROWSER: 'true',
        CI: 'true',
        // A throwaway directory is trusted: what print mode asks a headless run to say.
        GEMINI_CLI_TRUST_WORKSPACE: 'true',
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
