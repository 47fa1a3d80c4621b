/**
 * Runs the pinned Codex CLI (this folder's package.json) as `codex exec`, as a new user would:
 * a throwaway HOME whose `~/.codex/config.toml` names Switchyard as a model provider speaking the
 * Responses API, with a profile per route; approvals and sandbox off (the run is in that
 * throwaway directory). Nothing from the caller's environment reaches it but PATH.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODEX_BIN = fileURLToPath(new URL('./node_modules/.bin/codex', import.meta.url));

const KEY_ENV = 'SWITCHYARD_API_KEY';

export interface CodexRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The `~/.codex/config.toml` a user writes to send Codex through Switchyard. Codex 0.17x reads a
 * profile from its own file (`~/.codex/<profile>.config.toml`, see `codexProfile`), and refuses
 * `[profiles.*]` tables here.
 */
export function codexConfig(baseUrl: string): string {
  return [
    'check_for_update_on_startup = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[otel]',
    'exporter = "none"',
    '',
    '[model_providers.switchyard]',
    'name = "Switchyard"',
    `base_url = "${baseUrl}/v1"`,
    `env_key = "${KEY_ENV}"`,
    'wire_api = "responses"',
    // A failed request should fail the test, not be retried for minutes.
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
  ].join('\n');
}

/** `~/.codex/<route>.config.toml`: `codex -p <route>` sends that route's name as the model. */
export function codexProfile(route: string): string {
  return `model_provider = "switchyard"\nmodel = "${route}"\n`;
}

/**
 * `codex exec -p PROFILE PROMPT` against `baseUrl` with `token`, killed (its whole process group,
 * by PID) if it has not finished within `timeoutMs`.
 */
export async function runCodex(
  target: { baseUrl: string; token: string },
  profile: string,
  prompt: string,
  timeoutMs = 60_000,
): Promise<CodexRun> {
  const home = await mkdtemp(join(tmpdir(), 'switchyard-codex-home-'));
  try {
    await mkdir(join(home, '.codex'));
    await writeFile(join(home, '.codex', 'config.toml'), codexConfig(target.baseUrl));
    await writeFile(join(home, '.codex', `${profile}.config.toml`), codexProfile(profile));
    const work = join(home, 'work');
    await mkdir(work);
    const args = [
      'exec',
      '--skip-git-repo-check',
      '--dangerously-bypass-approvals-and-sandbox',
      '-p',
      profile,
      prompt,
    ];
    const child = spawn(CODEX_BIN, args, {
      cwd: work,
      // Its own process group, so the shell tool's children go down with it.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        CODEX_HOME: join(home, '.codex'),
        [KEY_ENV]: target.token,
        NO_COLOR: '1',
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
