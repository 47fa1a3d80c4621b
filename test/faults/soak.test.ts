import { existsSync } from 'node:fs';
import { readdir, readFile, readlink, rm } from 'node:fs/promises';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider } from '../mocks/mockProvider.ts';
import { seededRandom } from '../mocks/util.ts';
import type { MockProvider } from '../mocks/types.ts';
import { serveFromSource, type ServedEngine } from '../main/cli/serveHarness.ts';
import { dataFolder } from '../harness/dataFolder.ts';
import { judgeAnswer, type Inbound } from './answers.ts';
import { envInt, sleep, table } from './report.ts';

/*
 * Mixed streaming traffic at steady concurrency against `switchyard serve` in its own process, so
 * its RSS and sockets are its own. SWITCHYARD_SOAK_MINUTES=30 is the long form (a sample each
 * minute); the default is one minute with a sample every 10 s.
 *
 * "Flat" means: the highest RSS of the last third of the samples is within RSS_SLACK_MB of the
 * middle third's highest (the first third is warm-up: JIT, pools, SQLite's cache), and once the
 * load stops and the clients close, the engine's open sockets go back to what it had before the
 * load. Peaks, not medians: a garbage collection may drop any one sample (the 30-minute series is
 * a sawtooth), but a leak raises the peaks.
 */
const MINUTES = envInt('SWITCHYARD_SOAK_MINUTES', 0);
const DURATION_MS = MINUTES > 0 ? MINUTES * 60_000 : envInt('SWITCHYARD_SOAK_SECONDS', 60) * 1000;
const SAMPLE_MS = MINUTES > 0 ? 60_000 : 10_000;
const CONCURRENCY = envInt('SWITCHYARD_SOAK_CONCURRENCY', 12);
const RSS_SLACK_MB = 25;
const SOCKET_SLACK = 2;

const KEY = 'sk-soak-openai-0000000000000000';
const ANTHROPIC_KEY = 'sk-ant-soak-1111111111111111';
const GEMINI_KEY = 'AIza-soak-2222222222222222';

let served: ServedEngine;
let dataDir: string;
let mocks: MockProvider[] = [];
let agent: Agent;

beforeAll(async () => {
  // Rate limits are the fault injection's subject; here they would only turn streams into fast 429s.
  const faultRates = {
    'server-error': 0.01,
    overloaded: 0.01,
    'reset-after-headers': 0.01,
    'malformed-sse': 0.01,
  };
  // A 429 from a mock names a one-second wait (minuteMs), so the limiter's cool-downs stay short.
  const paced = {
    minuteMs: 1000,
    // Real limits, so the 429s the mocks make up carry real numbers for the limiter to learn.
    limits: { rpm: 1_000_000, rpd: 1_000_000_000, tpm: 1_000_000_000, tpd: 1_000_000_000_000 },
    tokensPerSecond: 400,
    reply: 'soak '.repeat(60).trim(),
    faultRates,
  };
  const openai = await startMockProvider({ format: 'openai', keys: [KEY], seed: 1, ...paced });
  const anthropic = await startMockProvider({
    format: 'anthropic',
    keys: [ANTHROPIC_KEY],
    seed: 2,
    ...paced,
  });
  const gemini = await startMockProvider({
    format: 'gemini',
    keys: [GEMINI_KEY],
    seed: 3,
    ...paced,
  });
  mocks = [openai, anthropic, gemini];
  dataDir = await dataFolder('soak', {
    'config.json': {
      version: 1,
      providers: {
        openai: { baseUrl: openai.url },
        anthropic: { baseUrl: anthropic.url },
        gemini: { baseUrl: gemini.url },
      },
      keys: [
        {
          id: 'openai',
          provider: 'openai',
          label: 'o',
          tier: 'paid',
          secret: { env: 'SY_SOAK_OPENAI' },
        },
        {
          id: 'anthropic',
          provider: 'anthropic',
          label: 'a',
          tier: 'paid',
          secret: { env: 'SY_SOAK_ANTHROPIC' },
        },
        {
          id: 'gemini',
          provider: 'gemini',
          label: 'g',
          tier: 'paid',
          secret: { env: 'SY_SOAK_GEMINI' },
        },
      ],
      routes: [
        {
          name: 'chain',
          targets: [
            { provider: 'openai', model: 'gpt-4o-mini' },
            { provider: 'anthropic', model: 'claude-haiku-4-5' },
            { provider: 'gemini', model: 'gemini-2.0-flash' },
          ],
        },
        {
          name: 'gemini-first',
          targets: [
            { provider: 'gemini', model: 'gemini-2.0-flash' },
            { provider: 'openai', model: 'gpt-4o-mini' },
          ],
        },
      ],
    },
  });
  served = await serveFromSource(
    [],
    { SY_SOAK_OPENAI: KEY, SY_SOAK_ANTHROPIC: ANTHROPIC_KEY, SY_SOAK_GEMINI: GEMINI_KEY },
    { dataDir },
  );
  agent = new Agent({ connections: CONCURRENCY, pipelining: 1 });
}, 30_000);

afterAll(async () => {
  if (agent && !agent.closed) await agent.close();
  if (served && served.child.exitCode === null) await served.stop();
  await Promise.all(mocks.map((m) => m.close()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Resident memory and open sockets of a process, from /proc. */
async function sampleProcess(pid: number): Promise<{ rssMb: number; sockets: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  let sockets = 0;
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    if (target.startsWith('socket:')) sockets++;
  }
  return { rssMb: Math.round((rssKb / 1024) * 10) / 10, sockets };
}

type Counts = Record<
  'answered' | 'error-response' | 'stream-error' | 'hung-up' | 'unclear',
  number
>;

// RSS and sockets are read from /proc: Linux only, as CI is; elsewhere this says it was skipped.
const HAS_PROC = existsSync('/proc/self/status');
if (!HAS_PROC) console.log('soak: skipped, no /proc on this system to read RSS and sockets from');

describe.skipIf(!HAS_PROC)('soak', () => {
  it(
    `holds RSS and sockets flat under ${DURATION_MS / 1000} s of streaming traffic`,
    { timeout: DURATION_MS + 120_000 },
    async () => {
      const pid = served.child.pid!;
      const url = served.ready.url;
      const before = await sampleProcess(pid);
      const random = seededRandom(5);
      const counts: Counts = {
        answered: 0,
        'error-response': 0,
        'stream-error': 0,
        'hung-up': 0,
        unclear: 0,
      };
      const unclear: string[] = [];
      const errors = new Map<string, number>();
      let stop = false;
      let done = 0;

      const one = async () => {
        const inbound: Inbound = random() < 0.6 ? 'openai' : 'anthropic';
        const stream = random() < 0.8;
        const hangUp = random() < 0.05;
        const model = random() < 0.7 ? 'chain' : 'gemini-first';
        const controller = new AbortController();
        const deadline = setTimeout(() => controller.abort(), 30_000);
        try {
          const res = await request(
            `${url}${inbound === 'openai' ? '/v1/chat/completions' : '/v1/messages'}`,
            {
              dispatcher: agent,
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                ...(inbound === 'openai'
                  ? { authorization: `Bearer ${served.ready.proxyKey}` }
                  : { 'x-api-key': served.ready.proxyKey, 'anthropic-version': '2023-06-01' }),
              },
              body: JSON.stringify({
                model,
                stream,
                max_tokens: 512,
                messages: [{ role: 'user', content: `soak request ${done}` }],
              }),
              signal: controller.signal,
            },
          );
          let text = '';
          for await (const chunk of res.body as AsyncIterable<Buffer>) {
            text += chunk.toString('utf8');
            if (hangUp) {
              controller.abort();
              counts['hung-up']++;
              return;
            }
          }
          const verdict = judgeAnswer(
            inbound,
            res.statusCode,
            String(res.headers['content-type'] ?? ''),
            text,
          );
          counts[verdict.kind]++;
          // As SDKs do: wait what a 429 or 503 says before the next request.
          const retryAfter = Number(res.headers['retry-after']);
          if (verdict.kind === 'error-response' && retryAfter > 0)
            await sleep(Math.min(2000, retryAfter * 1000));
          if (verdict.kind === 'error-response') {
            const key = `${verdict.status} ${verdict.message.slice(0, 160)}`;
            errors.set(key, (errors.get(key) ?? 0) + 1);
          }
          if (verdict.kind === 'unclear' && unclear.length < 10) unclear.push(verdict.why);
        } catch (err) {
          if (hangUp) counts['hung-up']++;
          else {
            counts.unclear++;
            if (unclear.length < 10) unclear.push((err as Error).message);
          }
        } finally {
          clearTimeout(deadline);
          done++;
        }
      };
      const workers = Array.from({ length: CONCURRENCY }, async () => {
        while (!stop) await one();
      });

      const started = Date.now();
      const series: Array<{ at: number; rssMb: number; sockets: number; requests: number }> = [];
      let lastDone = 0;
      while (Date.now() - started < DURATION_MS) {
        await sleep(Math.min(SAMPLE_MS, DURATION_MS - (Date.now() - started)));
        const sample = await sampleProcess(pid);
        series.push({
          at: Math.round((Date.now() - started) / 1000),
          ...sample,
          requests: done - lastDone,
        });
        lastDone = done;
      }
      stop = true;
      await Promise.all(workers);
      await agent.close();
      // Idle upstream connections close when the mocks' keep-alive runs out (5 s).
      let after = await sampleProcess(pid);
      const settleBy = Date.now() + 15_000;
      while (after.sockets > before.sockets + SOCKET_SLACK && Date.now() < settleBy) {
        await sleep(500);
        after = await sampleProcess(pid);
      }

      const third = Math.max(1, Math.floor(series.length / 3));
      const middle = series.slice(third, series.length - third);
      const last = series.slice(series.length - third);
      const round = (mb: number) => Math.round(mb * 10) / 10;
      const middleMb = round(Math.max(...(middle.length ? middle : series).map((s) => s.rssMb)));
      const lastMb = round(Math.max(...last.map((s) => s.rssMb)));
      console.log(
        [
          `soak: ${DURATION_MS / 1000} s at concurrency ${CONCURRENCY}, ${done} requests; engine pid ${pid}`,
          table(
            ['t (s)', 'RSS MB', 'sockets', 'requests'],
            [
              ['before', before.rssMb, before.sockets, ''],
              ...series.map((s) => [s.at, s.rssMb, s.sockets, s.requests]),
              ['after, idle', after.rssMb, after.sockets, ''],
            ],
          ),
          `RSS peak: middle third ${middleMb} MB, last third ${lastMb} MB (bound +${RSS_SLACK_MB} MB)`,
          table(['outcome', 'count'], Object.entries(counts)),
          table(
            ['error responses (most frequent)', 'count'],
            [...errors].sort((a, b) => b[1] - a[1]).slice(0, 8),
          ),
        ].join('\n'),
      );
      expect(unclear).toEqual([]);
      expect(counts.answered).toBeGreaterThan(done / 2);
      expect(lastMb).toBeLessThanOrEqual(middleMb + RSS_SLACK_MB);
      expect(after.sockets).toBeLessThanOrEqual(before.sockets + SOCKET_SLACK);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
    },
  );
});
