/**
 * Runs the pinned Gemini CLI (this folder's package.json) in non-interactive mode, as a new user
 * would: a throwaway HOME whose settings turn usage statistics and telemetry off, pointed at
 * Switchyard by GOOGLE_GEMINI_BASE_URL and GEMINI_API_KEY (the proxy key). Nothing from the
 * caller's environment reaches it but PATH.
 */
import { fileURLToPath } from 'node:url';
import { runInThrowawayHome, type CliRun } from './cliProcess.ts';

export const GEMINI_BIN = fileURLToPath(new URL('./node_modules/.bin/gemini', import.meta.url));

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
): Promise<CliRun> {
  return runInThrowawayHome(
    'switchyard-gemini-home-',
    () => ({
      command: process.execPath,
      args: [GEMINI_BIN, '-p', prompt, ...extraArgs],
      files: { '.gemini/settings.json': JSON.stringify(SETTINGS) },
      inWorkFolder: true,
      env: {
        GOOGLE_GEMINI_BASE_URL: target.baseUrl,
        GEMINI_API_KEY: target.key,
        GEMINI_TELEMETRY_ENABLED: 'false',
        GEMINI_CLI_NO_RELAUNCH: 'true',
        NO_BROWSER: 'true',
        CI: 'true',
        // A throwaway directory is trusted: what print mode asks a headless run to say.
        GEMINI_CLI_TRUST_WORKSPACE: 'true',
      },
    }),
    timeoutMs,
  );
}
