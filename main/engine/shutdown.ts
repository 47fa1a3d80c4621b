import { rm } from 'node:fs/promises';
import { writeFileAtomic } from '../config/configFile.ts';

/** Runs `close` for everything opened so far, newest first, when start-up fails half-way. */
export function closer() {
  const steps: Array<() => unknown> = [];
  return {
    add: (step: () => unknown) => steps.unshift(step),
    run: async () => {
      for (const step of steps) await Promise.resolve(step()).catch(() => undefined);
    },
  };
}

/**
 * The admin token is a per-run session token, like Jupyter's runtime file: it lets
 * `switchyard status` and `keys` reach this engine. The file is the user's alone (0600), and the
 * shutdown sequence removes it.
 */
export async function writeRuntimeFile(
  path: string,
  run: { url: string; proxyUrl: string; adminToken: string; startedAt: number },
): Promise<void> {
  await writeFileAtomic(
    path,
    JSON.stringify({
      url: run.url,
      proxyUrl: run.proxyUrl,
      adminToken: run.adminToken,
      pid: process.pid,
      startedAt: new Date(run.startedAt).toISOString(),
    }),
  );
}

/** What a running engine closes, each part once. */
export type EngineParts = {
  config: { close: () => void };
  events: { close: () => void };
  server: { close: (graceMs: number) => Promise<void> };
  limiter: { stop: () => void };
  discovery: { stop: () => Promise<void> };
  team?: { stop: () => Promise<void> } | undefined;
  proxy: { close: () => Promise<void> };
  recorder: { settled: () => Promise<void> };
  requestLog: { close: () => Promise<void> };
  db: { close: () => void };
  keychain: { close: () => void };
  runtimeFile: string;
};

/**
 * The shutdown sequence: stop taking changes and clients first, let in-flight requests finish
 * (their log rows included), then close the stores they write to. Calling it again returns the
 * same promise.
 */
export function stopSequence(parts: EngineParts): (graceMs?: number) => Promise<void> {
  let stopping: Promise<void> | undefined;
  return (graceMs = 10_000) => {
    stopping ??= (async () => {
      parts.config.close();
      parts.events.close();
      await parts.server.close(graceMs);
      parts.limiter.stop();
      await parts.discovery.stop();
      await parts.team?.stop();
      await parts.proxy.close();
      await parts.recorder.settled();
      await parts.requestLog.close();
      parts.db.close();
      parts.keychain.close();
      await rm(parts.runtimeFile, { force: true });
    })();
    return stopping;
  };
}
