import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ADMIN_API,
  fillPath,
  type EndpointName,
  type QueryOf,
  type RequestOf,
  type ResponseOf,
} from '../../app/admin/contract.ts';
import { RUNTIME_FILE_NAME } from '../paths.ts';

/** A failure the CLI reports in one line and exits 1 on. */
export class CliError extends Error {
  override name = 'CliError';
}

/** What a running engine writes to `engine.json` in its data folder. */
export type EngineRuntime = { url: string; adminToken: string; pid?: number };

/** Finds the engine running for `dataDir` through the engine.json it wrote at start. */
export async function findEngine(dataDir: string): Promise<EngineRuntime> {
  const file = join(dataDir, RUNTIME_FILE_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CliError(
        `No Switchyard engine is running for ${dataDir}. Start one with "switchyard serve" (or the desktop app), or point at its folder with --data-dir.`,
      );
    }
    throw err;
  }
  const runtime = JSON.parse(text) as Partial<EngineRuntime>;
  if (typeof runtime.url !== 'string' || typeof runtime.adminToken !== 'string') {
    throw new CliError(
      `${file} is not an engine file Switchyard wrote; remove it and start the engine again.`,
    );
  }
  return {
    url: runtime.url,
    adminToken: runtime.adminToken,
    ...(runtime.pid ? { pid: runtime.pid } : {}),
  };
}

export type CallInput<N extends EndpointName> = {
  params?: Record<string, string>;
  query?: QueryOf<N> extends never ? never : Partial<Record<keyof QueryOf<N>, string>>;
  body?: RequestOf<N>;
};

/** Calls one admin endpoint of a running engine; the engine's error message becomes a CliError. */
export async function callEngine<N extends EndpointName>(
  engine: EngineRuntime,
  name: N,
  input: CallInput<N> = {},
): Promise<ResponseOf<N>> {
  const def = ADMIN_API[name];
  const url = new URL(fillPath(def.path, input.params), engine.url);
  for (const [key, value] of Object.entries(input.query ?? {})) {
    if (typeof value === 'string') url.searchParams.set(key, value);
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method: def.method,
      headers: {
        authorization: `Bearer ${engine.adminToken}`,
        ...(input.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
    });
  } catch {
    throw new CliError(
      `The engine at ${engine.url} does not answer; it may have stopped without cleaning up. Start it again with "switchyard serve".`,
    );
  }
  const payload = (await res.json().catch(() => undefined)) as
    { error?: { message?: string } } | undefined;
  if (!res.ok) {
    throw new CliError(
      payload?.error?.message ??
        `The engine answered ${res.status} to ${def.method} ${url.pathname}.`,
    );
  }
  return payload as ResponseOf<N>;
}
