import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ENGINE_ENV, ENGINE_NODE_FLAGS } from '../../../main/engineFlags.ts';

export type ServeReady = {
  url: string;
  proxyUrl: string;
  proxyKey: string;
  dashboard: string;
  dataDir: string;
};

export type ServedEngine = {
  ready: ServeReady;
  child: ChildProcess;
  stderr: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop: () => Promise<number | null>;
};

/** The admin token in a dashboard link: it rides in the fragment (`/#token=…`), never the query. */
export function adminTokenOf(dashboardLink: string): string {
  const token = new URLSearchParams(new URL(dashboardLink).hash.slice(1)).get('token');
  if (token === null) throw new Error(`no #token= in the dashboard link ${dashboardLink}`);
  return token;
}

const CLI = fileURLToPath(new URL('../../../main/cli/main.ts', import.meta.url));

/** The environment of a child: process.env with `env` laid over it; an `undefined` value removes a variable. */
export function childEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete merged[name];
  return merged;
}

/**
 * Runs `switchyard serve --port 0 --json` from source (Node 24 strips the types) and waits for its
 * ready line. Pass `dataDir` to start it again on the folder of an earlier run.
 */
export async function serveFromSource(
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = {},
  options: { dataDir?: string } = {},
): Promise<ServedEngine> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'switchyard-serve-')));
  const child = spawn(
    process.execPath,
    [
      ...ENGINE_NODE_FLAGS,
      CLI,
      'serve',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--json',
      ...extraArgs,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv({ ...ENGINE_ENV, ...env }),
    },
  );
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const ready = await new Promise<ServeReady>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ready line within 15 s; stderr: ${err}`)),
      15_000,
    );
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as ServeReady);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before ready; stderr: ${err}`)));
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    ready,
    child,
    stderr: () => err,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
