import fc from 'fast-check';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_KEY, startTestEngine, type TestEngine } from '../integration/harness.ts';
import { seededRandom } from '../mocks/util.ts';
import { httpRequest, rawExchange, type RawOptions, type RawResponse } from './rawHttp.ts';
import { envInt, percentile, sleep, table } from './report.ts';

/*
 * Malformed HTTP against a live engine over raw sockets: every request gets a well-formed error
 * (or, for bytes that are not HTTP at all, a clean close), none hangs, none is a 500, and the
 * engine is healthy afterwards. SWITCHYARD_FUZZ_SCALE multiplies the case counts.
 */
const SCALE = envInt('SWITCHYARD_FUZZ_SCALE', 1);
const SEED = envInt('SWITCHYARD_FUZZ_SEED', 11);
const CONCURRENCY = 16;
const BODY_LIMIT = 64 * 1024;

type Case = {
  category: string;
  note: string;
  pieces: Array<string | Buffer>;
  options?: RawOptions;
  /** A mutation may happen to be valid: then a 200 is right too. */
  mayAnswer?: boolean;
  /** Bytes that are not HTTP may get a 400 or just a closed connection. */
  mayClose?: boolean;
};

let t: TestEngine;
let port: number;
let host: string;

beforeAll(async () => {
  t = await startTestEngine({
    mocks: { openai: { format: 'openai' }, anthropic: { format: 'anthropic' } },
    keys: [
      { id: 'openai-key', provider: 'openai', env: 'SY_FUZZ_OPENAI_KEY', secret: 'sk-fuzz-1111' },
      {
        id: 'anthropic-key',
        provider: 'anthropic',
        env: 'SY_FUZZ_ANTHROPIC_KEY',
        secret: 'sk-ant-fuzz-2222',
      },
    ],
    routes: [
      { name: 'solo', targets: [{ provider: 'openai', model: 'gpt-4o-mini' }] },
      { name: 'anth', targets: [{ provider: 'anthropic', model: 'claude-haiku-4-5' }] },
    ],
    settings: { maxBodyBytes: BODY_LIMIT },
  });
  // A stand-in dashboard, so the static paths answer as in a built app.
  await mkdir(join(t.engine.dataDir, 'no-dashboard'), { recursive: true });
  await writeFile(
    join(t.engine.dataDir, 'no-dashboard', 'index.html'),
    '<!doctype html><title>x</title>',
  );
  port = t.engine.server.port;
  host = `127.0.0.1:${port}`;
});
afterAll(async () => {
  await t?.close();
});

const CHAT = { model: 'solo', messages: [{ role: 'user', content: 'hi' }] };
const MESSAGES = { model: 'anth', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] };

/** A POST with the Host and the proxy key, and only the `headers` given besides. */
function authedPost(path: string, headers: Array<[string, string]>, body: string | Buffer): Buffer {
  return httpRequest(
    'POST',
    path,
    [['Host', host], ['Authorization', `Bearer ${PROXY_KEY}`], ...headers],
    body,
  );
}

function post(path: string, body: string | Buffer, extra: Array<[string, string]> = []): Buffer {
  return authedPost(
    path,
    [
      ['Content-Type', 'application/json'],
      ['Content-Length', String(Buffer.byteLength(body))],
      ...extra,
    ],
    body,
  );
}

function deep(levels: number, inner = '1'): string {
  return `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;
}

/** The cases, drawn from a seeded generator so a failure can be replayed. */
function buildCases(): Case[] {
  const random = seededRandom(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (max: number) => Math.floor(random() * max);
  const json = fc.sample(fc.jsonValue({ maxDepth: 3 }), { seed: SEED, numRuns: 400 });
  const cases: Case[] = [];
  const add = (count: number, make: (i: number) => Case) => {
    for (let i = 0; i < count * SCALE; i++) cases.push(make(i));
  };
  const endpoint = () =>
    pick([
      { path: '/v1/chat/completions', body: CHAT },
      { path: '/v1/messages', body: MESSAGES },
      { path: '/v1/embeddings', body: { model: 'solo', input: 'hi' } },
      { path: '/v1/completions', body: { model: 'solo', prompt: 'hi' } },
    ]);

  add(200, () => {
    const { path, body } = endpoint();
    const text = JSON.stringify(body);
    const kind = pick(['truncate', 'insert', 'garbage', 'js'] as const);
    if (kind === 'truncate') {
      const at = 1 + int(text.length - 1);
      return {
        category: 'bad JSON',
        note: `cut at ${at}`,
        pieces: [post(path, text.slice(0, at))],
      };
    }
    if (kind === 'insert') {
      const at = int(text.length);
      const char = pick(['{', '}', '[', ']', ',', ':', '"', '\\', 'x', ' ', '\u0000', '\n']);
      return {
        category: 'bad JSON',
        note: `"${char}" at ${at}`,
        pieces: [post(path, text.slice(0, at) + char + text.slice(at))],
        mayAnswer: true,
      };
    }
    if (kind === 'js')
      return {
        category: 'bad JSON',
        note: 'JavaScript, not JSON',
        pieces: [
          post(path, pick(["{model:'solo'}", '{"model":NaN}', 'undefined', "{'a':1}", '{"a":1,}'])),
        ],
      };
    const bytes = Buffer.from(Array.from({ length: 1 + int(200) }, () => int(256)));
    return { category: 'bad JSON', note: 'random bytes', pieces: [post(path, bytes)] };
  });

  add(200, (i) => {
    const { path, body } = endpoint();
    const value = json[i % json.length];
    const keys = Object.keys(body);
    const kind = pick(['replace', 'message', 'add', 'root'] as const);
    let mutated: unknown;
    if (kind === 'replace') mutated = { ...body, [pick(keys)]: value };
    else if (kind === 'message')
      mutated = { ...body, messages: [{ role: pick(['user', 'tool', 'x', 7]), content: value }] };
    else if (kind === 'add')
      mutated = {
        ...body,
        [pick(['temperature', 'stream', 'tools', 'max_tokens', 'system', 'stop'])]: value,
      };
    else mutated = value;
    return {
      category: 'wrong types',
      note: `${kind}: ${JSON.stringify(value)?.slice(0, 40)}`,
      pieces: [post(path, JSON.stringify(mutated) ?? 'null')],
      mayAnswer: true,
    };
  });

  add(20, (i) => {
    const big = JSON.stringify({
      ...CHAT,
      messages: [{ role: 'user', content: 'x'.repeat(BODY_LIMIT + 10) }],
    });
    if (i % 3 === 0)
      return {
        category: 'too large',
        note: 'Content-Length over the limit',
        pieces: [post('/v1/chat/completions', big)],
      };
    if (i % 3 === 1)
      return {
        category: 'too large',
        note: 'a declared length of a terabyte',
        pieces: [
          httpRequest('POST', '/v1/chat/completions', [
            ['Host', host],
            ['Authorization', `Bearer ${PROXY_KEY}`],
            ['Content-Type', 'application/json'],
            ['Content-Length', '1099511627776'],
          ]),
          '{"model":',
        ],
      };
    return {
      category: 'too large',
      note: 'chunked, no length',
      pieces: [
        httpRequest('POST', '/v1/chat/completions', [
          ['Host', host],
          ['Authorization', `Bearer ${PROXY_KEY}`],
          ['Content-Type', 'application/json'],
          ['Transfer-Encoding', 'chunked'],
        ]),
        ...Array.from({ length: 9 }, () => `2000\r\n${'x'.repeat(0x2000)}\r\n`),
        '0\r\n\r\n',
      ],
    };
  });

  add(30, (i) => {
    const { path, body } = endpoint();
    const levels = pick([257, 1000, 20_000, 100_000]);
    const where = i % 3;
    const text =
      where === 0
        ? deep(levels)
        : where === 1
          ? JSON.stringify({ ...body, extra: 0 }).replace('0}', `${deep(levels)}}`)
          : JSON.stringify({ ...body, messages: [{ role: 'user', content: 'hi', x: 0 }] }).replace(
              '"x":0',
              `"x":${deep(levels)}`,
            );
    const legal = i % 5 === 0;
    return {
      category: 'deep JSON',
      note: `${legal ? 200 : levels} levels`,
      pieces: [
        post(
          path,
          legal ? JSON.stringify({ ...body, extra: 0 }).replace('0}', `${deep(200)}}`) : text,
        ),
      ],
      mayAnswer: legal,
    };
  });

  add(100, () => {
    const { path, body } = endpoint();
    const text = JSON.stringify(body);
    const at = text.indexOf('hi') + 1;
    const bad = pick([
      [0xc3, 0x28],
      [0xa0, 0xa1],
      [0xe2, 0x28, 0xa1],
      [0xf0, 0x28, 0x8c, 0xbc],
      [0xed, 0xa0, 0x80],
      [0xc0, 0xaf],
      [0xff],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
    ]);
    return {
      category: 'invalid UTF-8',
      note: bad.map((b) => b.toString(16)).join(' '),
      pieces: [
        post(
          path,
          Buffer.concat([
            Buffer.from(text.slice(0, at)),
            Buffer.from(bad),
            Buffer.from(text.slice(at)),
          ]),
        ),
      ],
    };
  });

  const body = JSON.stringify(CHAT);
  const HEADER_CASES: Array<() => Case> = [
    () => ({
      category: 'headers',
      note: 'two different Content-Lengths',
      pieces: [
        authedPost(
          '/v1/chat/completions',
          [
            ['Content-Length', String(body.length)],
            ['Content-Length', '3'],
          ],
          body,
        ),
      ],
    }),
    () => ({
      category: 'headers',
      note: 'Content-Length and chunked',
      pieces: [
        httpRequest(
          'POST',
          '/v1/chat/completions',
          [
            ['Host', host],
            ['Content-Length', '5'],
            ['Transfer-Encoding', 'chunked'],
          ],
          '0\r\n\r\n',
        ),
      ],
      mayClose: true,
    }),
    () => ({
      category: 'headers',
      note: 'a 20 KB header',
      pieces: [post('/v1/chat/completions', body, [['Cookie', `a=${'x'.repeat(20_000)}`]])],
    }),
    () => ({
      category: 'headers',
      note: '3,000 small headers',
      pieces: [
        post(
          '/v1/chat/completions',
          body,
          Array.from({ length: 3000 }, (_, i) => [`x-h${i}`, 'v'] as [string, string]),
        ),
      ],
    }),
    () => ({
      category: 'headers',
      note: 'a header name with a space',
      pieces: [post('/v1/chat/completions', body, [['bad name', 'v']])],
    }),
    () => ({
      category: 'headers',
      note: 'a folded header line',
      pieces: [
        Buffer.from(
          `POST /v1/chat/completions HTTP/1.1\r\nHost: ${host}\r\nX-Folded: a\r\n  b\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        ),
      ],
    }),
    () => ({
      category: 'headers',
      note: 'no Host',
      pieces: [
        httpRequest(
          'POST',
          '/v1/chat/completions',
          [
            ['Authorization', `Bearer ${PROXY_KEY}`],
            ['Content-Length', String(body.length)],
          ],
          body,
        ),
      ],
    }),
    () => ({
      category: 'headers',
      note: 'a control character in a header value',
      pieces: [post('/v1/chat/completions', body, [['X-Bad', 'a\u0001b']])],
    }),
    () => ({
      category: 'headers',
      note: pick([
        'text/html',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'image/png',
      ]),
      pieces: [
        authedPost(
          '/v1/chat/completions',
          [
            [
              'Content-Type',
              pick([
                'text/html',
                'multipart/form-data; boundary=x',
                'application/x-www-form-urlencoded',
                'image/png',
              ]),
            ],
            ['Content-Length', String(body.length)],
          ],
          body,
        ),
      ],
    }),
    () => ({
      category: 'headers',
      note: 'odd Authorization',
      pieces: [
        httpRequest(
          'POST',
          '/v1/chat/completions',
          [
            ['Host', host],
            [
              'Authorization',
              pick([
                'Bearer',
                'Bearer ',
                'Basic Zm9vOmJhcg==',
                `Bearer ${'k'.repeat(8000)}`,
                `bearer  ${PROXY_KEY}x`,
                'Bearer \u00ff\u00fe',
              ]),
            ],
            ['Content-Length', String(body.length)],
          ],
          body,
        ),
      ],
    }),
    () => ({
      category: 'headers',
      note: 'Host with odd values',
      pieces: [
        httpRequest('GET', '/healthz', [
          [
            'Host',
            pick([
              '',
              ':::',
              'localhost:99999999',
              '127.0.0.1:1@evil.example',
              'LOCALHOST.',
              '[::1',
              'a'.repeat(5000),
            ]),
          ],
        ]),
      ],
    }),
    () => ({
      category: 'headers',
      note: 'Expect: 100-continue',
      pieces: [post('/v1/chat/completions', '{"model":', [['Expect', '100-continue']])],
    }),
    () => ({
      category: 'headers',
      note: 'a Content-Length that is not a number',
      pieces: [
        httpRequest(
          'POST',
          '/v1/chat/completions',
          [
            ['Host', host],
            ['Content-Length', pick(['abc', '-1', '1e3', '0x10', ' 12 12'])],
          ],
          body,
        ),
      ],
    }),
  ];
  add(150, (i) => (HEADER_CASES[i % HEADER_CASES.length] as () => Case)());

  add(60, () => {
    const method = pick([
      'PUT',
      'DELETE',
      'PATCH',
      'OPTIONS',
      'PROPFIND',
      'TRACE',
      'FOO',
      'post',
      'GET',
      'HEAD',
      'M-SEARCH',
    ]);
    const path = pick([
      '/v1/chat/completions',
      '/v1/messages',
      '/v1/models',
      '/admin/config',
      '/',
      '/v1',
    ]);
    const admin = path.startsWith('/admin');
    return {
      category: 'methods',
      note: `${method} ${path}`,
      pieces: [
        httpRequest(method, path, [
          ['Host', host],
          ['Authorization', `Bearer ${admin ? 'wrong-admin-token' : PROXY_KEY}`],
          ['Content-Length', '0'],
        ]),
      ],
      options: { head: method === 'HEAD' },
      // GET /v1/models and the dashboard's paths are real answers; the dashboard is not built here.
      mayAnswer: true,
    };
  });

  add(80, () => {
    const target = pick([
      `/v1/${'a'.repeat(10_000)}`,
      '/v1/models/%E0%A4%A',
      '/v1/models/%zz',
      '/v1/models/%00',
      '/%00',
      'http://evil.example/v1/models',
      `http://${host}/v1/models`,
      '*',
      '/v1/chat/completions?x=%zz&&&==',
      '/v1/../admin/config',
      '/admin/../v1/models',
      '//evil.example/v1/models',
      '/v1/models?token=x',
      '/..%2f..%2fetc%2fpasswd',
      '/assets/..%5c..%5cpackage.json',
      '/\u00ff',
      '/v1/chat/completions#frag',
      '/v1//chat//completions',
    ]);
    return {
      category: 'URLs',
      note: target.slice(0, 50),
      pieces: [
        httpRequest('GET', target, [
          ['Host', host],
          ['Authorization', `Bearer ${PROXY_KEY}`],
        ]),
      ],
      mayAnswer: true,
    };
  });

  const chunked = (parts: string[], end = true): Case['pieces'] => [
    httpRequest('POST', '/v1/chat/completions', [
      ['Host', host],
      ['Authorization', `Bearer ${PROXY_KEY}`],
      ['Content-Type', 'application/json'],
      ['Transfer-Encoding', 'chunked'],
    ]),
    ...parts,
    ...(end ? ['0\r\n\r\n'] : []),
  ];
  add(60, (i) => {
    const variants: Array<Omit<Case, 'category'>> = [
      { note: 'chunk longer than said', pieces: chunked([`4\r\n${body}\r\n`]) },
      {
        note: 'chunk shorter than said, then the end',
        pieces: chunked([`400\r\n${body}\r\n`]),
        options: { endAfterWrite: true },
      },
      { note: 'size not hex', pieces: chunked([`zz\r\n${body}\r\n`]) },
      {
        note: 'no final chunk, then the client stops sending',
        pieces: chunked([`${body.length.toString(16)}\r\n${body}\r\n`], false),
        options: { endAfterWrite: true },
      },
      {
        note: 'chunk extension and trailer',
        pieces: chunked(
          [`${body.length.toString(16)};ext=1\r\n${body}\r\n0\r\nX-Trailer: 1\r\n\r\n`],
          false,
        ),
        mayAnswer: true,
      },
      { note: 'a 2^64 chunk size', pieces: chunked(['10000000000000000\r\nx\r\n']) },
      { note: 'LF instead of CRLF', pieces: chunked([`${body.length.toString(16)}\n${body}\n`]) },
    ];
    return {
      category: 'chunked lies',
      ...(variants[i % variants.length] as Omit<Case, 'category'>),
      mayClose: true,
    };
  });

  add(40, (i) => {
    const valid = i % 2 === 0;
    const request = valid
      ? post(
          i % 4 === 0 ? '/v1/messages' : '/v1/chat/completions',
          JSON.stringify(i % 4 === 0 ? MESSAGES : CHAT),
        )
      : post('/v1/chat/completions', '{"model":"solo","messages":"hi"}');
    return {
      category: 'split byte by byte',
      note: valid ? 'a valid request' : 'wrong types',
      pieces: [...request].map((b) => Buffer.from([b])),
      options: { gapMs: 1, deadlineMs: 20_000 },
      mayAnswer: valid,
    };
  });

  add(60, (i) => {
    const variants: Array<[string, Buffer]> = [
      ['random bytes', Buffer.from(Array.from({ length: 1 + int(300) }, () => int(256)))],
      ['a TLS ClientHello', Buffer.from('16030100a5010000a10303', 'hex')],
      ['the HTTP/2 preface', Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')],
      ['an SSH banner', Buffer.from('SSH-2.0-OpenSSH_9.6\r\n')],
      ['a lone CRLF', Buffer.from('\r\n\r\n')],
      ['HTTP/0.9', Buffer.from('GET /\r\n')],
      ['HTTP/3.0', httpRequest('GET', '/healthz', [['Host', host]], '', 'HTTP/3.0')],
    ];
    const [note, bytes] = variants[i % variants.length] as [string, Buffer];
    return {
      category: 'not HTTP',
      note,
      pieces: [bytes],
      options: { endAfterWrite: true },
      mayClose: true,
    };
  });

  add(60, (i) => {
    const admin = (method: string, path: string, payload: string | Buffer) =>
      httpRequest(
        method,
        path,
        [
          ['Host', host],
          ['Authorization', `Bearer ${t.engine.adminToken}`],
          ['Content-Type', 'application/json'],
          ['Content-Length', String(Buffer.byteLength(payload))],
        ],
        payload,
      );
    const variants: Array<[string, Buffer]> = [
      ['bad JSON config', admin('PUT', '/admin/config', '{"version":1,')],
      ['a config that is an array', admin('PUT', '/admin/config', '[1,2,3]')],
      [
        'a config of wrong types',
        admin('PUT', '/admin/config', JSON.stringify({ version: 'one', routes: {} })),
      ],
      ['a deep config', admin('PUT', '/admin/config', `{"version":1,"routes":${deep(50_000)}}`)],
      [
        'invalid UTF-8',
        admin('PUT', '/admin/config', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])),
      ],
      ['an unknown endpoint', admin('POST', '/admin/nope', '{}')],
      ['a wrong method', admin('DELETE', '/admin/config', '')],
      ['a huge body', admin('PUT', '/admin/config', `{"x":"${'y'.repeat(2 * 1024 * 1024)}"}`)],
    ];
    const [note, bytes] = variants[i % variants.length] as [string, Buffer];
    return { category: 'admin API', note, pieces: [bytes] };
  });
  return cases;
}

type Verdict = { ok: true } | { ok: false; why: string };

function judge(c: Case, r: RawResponse): Verdict {
  if (r.timedOut) return { ok: false, why: 'no answer by the deadline' };
  if (r.status === undefined)
    return c.mayClose ? { ok: true } : { ok: false, why: 'closed without an answer' };
  if (r.status >= 500) return { ok: false, why: `HTTP ${r.status}: ${r.body.slice(0, 200)}` };
  if (r.status < 400)
    return c.mayAnswer ? { ok: true } : { ok: false, why: `HTTP ${r.status} for a bad request` };
  if (!/json/.test(r.headers['content-type'] ?? ''))
    return { ok: false, why: `HTTP ${r.status} without a JSON error body` };
  if (c.options?.head) return { ok: true };
  let error: { message?: unknown } | undefined;
  try {
    error = (JSON.parse(r.body) as { error?: { message?: unknown } }).error;
  } catch {
    return {
      ok: false,
      why: `HTTP ${r.status} with a body that is not JSON: ${r.body.slice(0, 100)}`,
    };
  }
  if (typeof error?.message !== 'string' || error.message === '')
    return { ok: false, why: `HTTP ${r.status} without an error message` };
  if (/\n\s+at |internal error/i.test(error.message))
    return { ok: false, why: `HTTP ${r.status} leaks internals: ${error.message.slice(0, 200)}` };
  return { ok: true };
}

function rssMb(): number {
  return Math.round(process.memoryUsage().rss / 1024 / 1024);
}

describe('HTTP fuzz', () => {
  it(
    `answers ≥ ${1000 * SCALE} malformed requests with clear errors and stays healthy`,
    { timeout: 300_000 },
    async () => {
      const cases = buildCases();
      expect(cases.length).toBeGreaterThanOrEqual(1000 * SCALE);
      const rssBefore = rssMb();
      const results: Array<{ c: Case; r: RawResponse; verdict: Verdict }> = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < cases.length) {
            const c = cases[next++] as Case;
            const r = await rawExchange(port, c.pieces, c.options);
            results.push({ c, r, verdict: judge(c, r) });
          }
        }),
      );
      const rssAfter = rssMb();

      const byCategory = new Map<
        string,
        { n: number; statuses: Map<string, number>; bad: number; ms: number[] }
      >();
      for (const { c, r, verdict } of results) {
        const row = byCategory.get(c.category) ?? {
          n: 0,
          statuses: new Map<string, number>(),
          bad: 0,
          ms: [] as number[],
        };
        row.n++;
        const status = r.status === undefined ? (r.timedOut ? 'hang' : 'closed') : String(r.status);
        row.statuses.set(status, (row.statuses.get(status) ?? 0) + 1);
        if (!verdict.ok) row.bad++;
        row.ms.push(r.elapsedMs);
        byCategory.set(c.category, row);
      }
      console.log(
        [
          `HTTP fuzz: ${results.length} requests, seed ${SEED}, concurrency ${CONCURRENCY}; RSS ${rssBefore} → ${rssAfter} MB (test process, engine in it)`,
          table(
            ['category', 'requests', 'answers', 'bad', 'p99 ms'],
            [...byCategory].map(([category, row]) => [
              category,
              row.n,
              [...row.statuses]
                .sort((a, b) => b[1] - a[1])
                .map(([s, n]) => `${s}×${n}`)
                .join(' '),
              row.bad,
              percentile(
                row.ms.sort((a, b) => a - b),
                0.99,
              ),
            ]),
          ),
        ].join('\n'),
      );
      const failures = results
        .filter((x) => !x.verdict.ok)
        .map((x) => `${x.c.category} (${x.c.note}): ${(x.verdict as { why: string }).why}`);
      expect(failures.slice(0, 20)).toEqual([]);
      expect(t.logs.filter((line) => /failed:/.test(line))).toEqual([]);

      // Still healthy: health, a real request, no connection left behind, memory in bounds.
      const health = await rawExchange(port, [httpRequest('GET', '/healthz', [['Host', host]])]);
      expect(health.status).toBe(200);
      const answer = await rawExchange(port, [post('/v1/chat/completions', JSON.stringify(CHAT))]);
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('echo: hi');
      await expect
        .poll(
          () => new Promise<number>((r) => t.engine.server.server.getConnections((_e, n) => r(n))),
          {
            timeout: 5000,
          },
        )
        .toBe(0);
      expect(rssAfter - rssBefore).toBeLessThan(300);
    },
  );

  it(
    'keeps serving while slow clients trickle their headers in (slowloris, bounded)',
    { timeout: 30_000 },
    async () => {
      const slow: Socket[] = [];
      const stop = new AbortController();
      for (let i = 0; i < 40; i++) {
        const socket = connect({ port, host: '127.0.0.1' });
        socket.on('error', () => undefined);
        slow.push(socket);
        const text = `POST /v1/chat/completions HTTP/1.1\r\nHost: ${host}\r\nX-Slow: ${'a'.repeat(200)}`;
        void (async () => {
          for (const char of text) {
            if (stop.signal.aborted || socket.destroyed) return;
            socket.write(char);
            await sleep(50);
          }
        })();
      }
      await sleep(500);
      const latencies: number[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await rawExchange(port, [post('/v1/chat/completions', JSON.stringify(CHAT))]);
        expect(r.status).toBe(200);
        latencies.push(r.elapsedMs);
      }
      stop.abort();
      for (const socket of slow) socket.destroy();
      expect(Math.max(...latencies)).toBeLessThan(2000);
      await expect
        .poll(
          () => new Promise<number>((r) => t.engine.server.server.getConnections((_e, n) => r(n))),
          {
            timeout: 5000,
          },
        )
        .toBe(0);
    },
  );
});
