// Three (or N) engines in this process with keys of one Gemini project and one Groq organization,
// pointed at shared mock providers that enforce the catalog's free limits, optionally joined in a
// team through one Redis. Used by the team-mode integration test and the team benchmark.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine, type Engine } from '../../main/engine/engine.ts';
import { startMockProvider } from '../mocks/mockProvider.ts';
import type { MockDialect, MockFormat, MockProvider, MockProviderOptions } from '../mocks/types.ts';

export const TEAM_PROXY_KEY = 'sy-team-proxy-key-0123456789';
export const GEMINI_SECRET = 'AIza-team-gemini-project-secret-7777';
export const GROQ_SECRET = 'gsk_team_groq_org_secret_8888';
export const GEMINI_MODEL = 'gemini-2.5-flash';
export const GROQ_MODEL = 'llama-3.1-8b-instant';
/** The catalog's free limits of those models, which the mocks enforce. */
export const GEMINI_LIMITS = { rpm: 10, rpd: 20 };
export const GROQ_LIMITS = { rpm: 30, rpd: 14_400 };

export interface Fleet {
  engines: Engine[];
  gemini: MockProvider;
  groq: MockProvider;
  logs: string[][];
  /** Sends one chat request through member `i`; resolves to its HTTP status. */
  ask(i: number, route: 'gem' | 'groq', prompt: string): Promise<number>;
  admin(i: number, path: string): Promise<unknown>;
  close(): Promise<void>;
}

export interface FleetOptions {
  members: number;
  /** The team's Redis; none: each engine limits alone. */
  redisUrl?: string;
  clock: () => number;
  /** A "minute" of the mocks' clock, in that clock's ms (60 000 unless time is compressed). */
  heartbeatMs?: number;
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const { clock } = options;
  // Each provider takes only its team key, counts its limits on the fleet's clock and answers in 5 to 20 ms.
  const provider = (
    format: MockFormat,
    dialect: MockDialect,
    key: { key: string; label: string },
    limits: MockProviderOptions['limits'],
  ) =>
    startMockProvider({
      format,
      dialect,
      keys: [key],
      limits,
      now: clock,
      latencyMs: [5, 20],
    });
  const gemini = await provider(
    'gemini',
    'none',
    { key: GEMINI_SECRET, label: 'gemini' },
    GEMINI_LIMITS,
  );
  const groq = await provider('openai', 'groq', { key: GROQ_SECRET, label: 'groq' }, GROQ_LIMITS);
  const engines: Engine[] = [];
  const dirs: string[] = [];
  const logs: string[][] = [];
  for (let i = 0; i < options.members; i++) {
    const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-team-'));
    dirs.push(dataDir);
    const log: string[] = [];
    logs.push(log);
    await writeFile(
      join(dataDir, 'config.json'),
      JSON.stringify({
        version: 1,
        providers: { gemini: { baseUrl: gemini.url }, groq: { baseUrl: groq.url } },
        // Each member names its keys its own way: the team matches them by the secret's fingerprint.
        keys: [
          {
            id: `gem-${i}`,
            provider: 'gemini',
            label: 'project key',
            secret: { env: 'SY_TEAM_GEMINI' },
          },
          { id: `groq-${i}`, provider: 'groq', label: 'org key', secret: { env: 'SY_TEAM_GROQ' } },
        ],
        routes: [
          { name: 'gem', targets: [{ provider: 'gemini', model: GEMINI_MODEL }] },
          { name: 'groq', targets: [{ provider: 'groq', model: GROQ_MODEL }] },
        ],
        ...(options.redisUrl === undefined
          ? {}
          : { team: { redis: options.redisUrl, name: 'acme', member: `member-${i}` } }),
      }),
    );
    engines.push(
      await startEngine({
        host: '127.0.0.1',
        port: 0,
        allowRemote: false,
        dataDir,
        dashboardDir: join(dataDir, 'no-dashboard'),
        proxyKey: TEAM_PROXY_KEY,
        env: { SY_TEAM_GEMINI: GEMINI_SECRET, SY_TEAM_GROQ: GROQ_SECRET },
        clock,
        ...(options.heartbeatMs === undefined ? {} : { teamHeartbeatMs: options.heartbeatMs }),
        log: (line) => log.push(line),
      }),
    );
  }
  return {
    engines,
    gemini,
    groq,
    logs,
    async ask(i, route, prompt) {
      const engine = engines[i] as Engine;
      const res = await fetch(`${engine.proxyUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEAM_PROXY_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: route,
          max_tokens: 16,
          messages: [{ role: 'user', content: prompt }],
        }),
      });
      await res.arrayBuffer();
      return res.status;
    },
    async admin(i, path) {
      const engine = engines[i] as Engine;
      const res = await fetch(`${engine.url}${path}`, {
        headers: { authorization: `Bearer ${engine.adminToken}` },
      });
      return res.json();
    },
    async close() {
      await Promise.all(engines.map((e) => e.stop(2000)));
      await Promise.all([gemini.close(), groq.close()]);
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}
