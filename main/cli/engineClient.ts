import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EndpointName, ResponseOf } from '../../app/admin/contract.ts';
import { buildAdminRequest, type AdminCallInput } from '../../app/admin/request.ts';
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

/** Calls one admin endpoint of a running engine; the engine's error message becomes a CliError. */
export async function callEngine<N extends EndpointName>(
  engine: EngineRuntime,
  name: N,
  ...[input]: [AdminCallInput<N>] extends [{ params?: undefined; body?: undefined }]
    ? [input?: AdminCallInput<N>]
    : [input: AdminCallInput<N>]
): Promise<ResponseOf<N>> {
  const request = buildAdminRequest(name, (input ?? {}) as AdminCallInput<N>);
  const url = new URL(request.path, engine.url);
  let res: Response;
  try {
    res = await fetch(url, {
      method: request.method,
      headers: { ...request.headers, authorization: `Bearer ${engine.adminToken}` },
      ...(request.body !== undefined ? { body: request.body } : {}),
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
        `The engine answered ${res.status} to ${request.method} ${url.pathname}.`,
    );
  }
  return payload as ResponseOf<N>;
}
