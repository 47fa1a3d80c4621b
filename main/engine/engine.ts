import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AdminHandlers } from '../server/adminRouter.ts';
import { handleAdmin } from '../server/adminRouter.ts';
import { ConfigStore, writeFileAtomic } from '../config/configFile.ts';
import { configJsonSchema } from '../../app/config/jsonSchema.ts';
import { startHttpServer, type RunningServer } from '../server/httpServer.ts';
import { createProxyService } from './proxyService.ts';
import type { UpstreamTimeouts } from '../upstream/client.ts';
import { CONFIG_FILE_NAME, RUNTIME_FILE_NAME } from '../paths.ts';
import { VERSION } from '../version.ts';

export type EngineOptions = {
  host: string;
  port: number;
  allowRemote: boolean;
  dataDir: string;
  configPath?: string;
  dashboardDir: string;
  /** Connect, first-byte and idle limits for provider calls (tests shorten them). */
  upstreamTimeouts?: Partial<UpstreamTimeouts>;
  /** Overrides the generated proxy key (SWITCHYARD_PROXY_KEY). */
  proxyKey?: string;
  log: (message: string) => void;
};

export type Engine = {
  url: string;
  proxyUrl: string;
  dashboardUrl: string;
  adminToken: string;
  proxyKey: string;
  dataDir: string;
  configPath: string;
  config: ConfigStore;
  server: RunningServer;
  /** Stops the engine, letting in-flight requests finish for up to `graceMs`. */
  stop: (graceMs?: number) => Promise<void>;
};

function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

/** Starts the engine: config, server, admin API. The Electron shell and the CLI both call this. */
export async function startEngine(options: EngineOptions): Promise<Engine> {
  const configPath = options.configPath ?? join(options.dataDir, CONFIG_FILE_NAME);
  const config = await ConfigStore.open(configPath);
  await writeSchemaBeside(configPath);
  config.on('invalid', (errors) => {
    options.log(
      `config: your edit of ${configPath} was not applied; the last good config stays live:\n  ${errors.join('\n  ')}`,
    );
  });
  config.on('change', () => options.log(`config: reloaded ${configPath}`));
  config.watch();

  const startedAt = Date.now();
  const adminToken = newSecret('');
  const proxyKey = options.proxyKey ?? newSecret('sy-');

  let proxyUrl = '';
  const handlers: AdminHandlers = {
    status: () => ({
      version: VERSION,
      proxyUrl,
      dataDir: options.dataDir,
      configPath,
      configErrors: [...config.lastErrors],
      startedAt: new Date(startedAt).toISOString(),
    }),
    getConfig: () => config.current,
    putConfig: async ({ body }) => {
      await config.write(body);
      return config.current;
    },
  };

  const proxy = createProxyService({
    config,
    secret: async (keyId) => {
      const key = config.current.keys.find((k) => k.id === keyId);
      if (!key) throw new Error(`no key "${keyId}" in the config`);
      if ('env' in key.secret) {
        const value = process.env[key.secret.env];
        if (!value)
          throw new Error(
            `environment variable ${key.secret.env} is not set; set it or store the key in the keychain`,
          );
        return value;
      }
      throw new Error(
        'keys in the OS keychain are not available in this build; use {"env": "NAME"}',
      );
    },
    observer: { requestStarted: () => undefined, requestFinished: () => undefined },
    ...(options.upstreamTimeouts ? { timeouts: options.upstreamTimeouts } : {}),
  });

  const server = await startHttpServer(options.host, options.port, {
    allowRemote: options.allowRemote,
    proxyKey: () => proxyKey,
    adminToken,
    dashboardDir: options.dashboardDir,
    proxy: proxy.handler,
    admin: (req, res, url) => handleAdmin(handlers, req, res, url, options.log),
    log: options.log,
  });

  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${hostForUrl}:${server.port}`;
  proxyUrl = `${url}/v1`;
  const runtimeFile = join(options.dataDir, RUNTIME_FILE_NAME);
  await writeFileAtomic(
    runtimeFile,
    JSON.stringify({
      url,
      proxyUrl,
      adminToken,
      pid: process.pid,
      startedAt: new Date(startedAt).toISOString(),
    }),
  );

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 10_000): Promise<void> => {
    stopping ??= (async () => {
      config.close();
      await server.close(graceMs);
      await proxy.close();
      await rm(runtimeFile, { force: true });
    })();
    return stopping;
  };

  return {
    url,
    proxyUrl,
    dashboardUrl: `${url}/?token=${adminToken}`,
    adminToken,
    proxyKey,
    dataDir: options.dataDir,
    configPath,
    config,
    server,
    stop,
  };
}

/** Puts the JSON Schema next to the config so `"$schema": "./config.schema.json"` resolves in editors. */
async function writeSchemaBeside(configPath: string): Promise<void> {
  const target = join(configPath, '..', 'config.schema.json');
  const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
  const existing = await readFile(target, 'utf8').catch(() => '');
  if (existing !== text) await writeFileAtomic(target, text);
}
