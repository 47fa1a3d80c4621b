/**
 * Runs the pinned Codex CLI (this folder's package.json) as `codex exec`, as a new user would:
 * a throwaway HOME with the Connect page's Codex snippet as its `~/.codex` files (Switchyard as a
 * model provider speaking the Responses API, a profile per route); approvals and sandbox off (the
 * run is in that throwaway directory). Nothing from the caller's environment reaches it but PATH.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInThrowawayHome, type CliRun } from './cliProcess.ts';
import { SNIPPETS } from '../../renderer/src/lib/snippets.ts';

export const CODEX_BIN = fileURLToPath(new URL('./node_modules/.bin/codex', import.meta.url));

const KEY_ENV = 'SWITCHYARD_API_KEY';

const CODEX_SNIPPET = SNIPPETS.find((snippet) => snippet.id === 'codex');

/**
 * The Connect page's Codex snippet for `route`, as files in `~/.codex`: `config.toml` as shown
 * (plus no update check, no analytics, no retries: a failure fails the test at once), and the
 * route's profile file, the commented block under its path uncommented.
 */
export function codexFiles(baseUrl: string, token: string, route: string): Record<string, string> {
  if (CODEX_SNIPPET === undefined) throw new Error('the Connect page has no Codex snippet');
  const text = CODEX_SNIPPET.text({ proxyUrl: `${baseUrl}/v1`, proxyKey: token, model: route });
  const [config = '', ...profiles] = text.split('\n\n# ~/.codex/');
  const profile = profiles.find((block) => block.startsWith(`${route}.config.toml`)) ?? '';
  return {
    'config.toml': [
      'check_for_update_on_startup = false',
      config,
      // Still inside [model_providers.switchyard], the snippet's last table.
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
      '[analytics]',
      'enabled = false',
      '',
    ].join('\n'),
    [`${route}.config.toml`]: profile
      .split('\n')
      .slice(1)
      .map((line) => line.replace(/^# /, ''))
      .join('\n'),
  };
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
): Promise<CliRun> {
  return runInThrowawayHome(
    'switchyard-codex-home-',
    (home) => {
      const files = codexFiles(target.baseUrl, target.token, profile);
      const args = [
        'exec',
        '--skip-git-repo-check',
        '--dangerously-bypass-approvals-and-sandbox',
        '-p',
        profile,
        prompt,
      ];
      return {
        command: CODEX_BIN,
        args,
        files: Object.fromEntries(
          Object.entries(files).map(([name, text]) => [`.codex/${name}`, text]),
        ),
        inWorkFolder: true,
        env: {
          CODEX_HOME: join(home, '.codex'),
          [KEY_ENV]: target.token,
          NO_COLOR: '1',
        },
      };
    },
    timeoutMs,
  );
}
