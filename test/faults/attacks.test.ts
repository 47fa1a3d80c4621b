import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider } from '../mocks/mockProvider.ts';
import type { MockProvider } from '../mocks/types.ts';
import { adminTokenOf, serveFromSource, type ServedEngine } from '../main/cli/serveHarness.ts';
import { dataFolder } from '../harness/dataFolder.ts';
import { httpRequest, rawExchange, type RawResponse } from './rawHttp.ts';

/*
 * The attacks a web page, a rebinding DNS name or a local snoop could try, against the engine as
 * `switchyard serve` runs it; then a search for the provider keys it used in every file of its
 * data folder, every log line and every admin answer.
 */
const ENV_SECRET = `sk-attack-env-${randomBytes(12).toString('hex')}`;
/** A secret no key-shape pattern recognises, so only the key store's own care keeps it out. */
const KEYCHAIN_SECRET = `Kc.attack.${randomBytes(9).toString('hex')}.~!`;
/** With a "/" and "-", which JSON serializers may write as `\/` and `\u002d`. */
const ECHO_SECRET = `gsk_attack/echo-${randomBytes(12).toString('hex')}`;

const unicodeEscaped = (text: string) =>
  [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

const TOOL_ORIGIN = 'https://tool.example';

let served: ServedEngine;
let port: number;
let adminToken: string;
let proxyKey: string;
let dataDir: string;
let dashboardDir: string;
let openai: MockProvider;
let anthropic: MockProvider;
let echo: Server;
/** Every admin answer and client answer read during the suite, for the secret search. */
const seen: Array<{ what: string; text: string }> = [];

beforeAll(async () => {
  openai = await startMockProvider({ format: 'openai', keys: [ENV_SECRET] });
  anthropic = await startMockProvider({ format: 'anthropic', keys: [KEYCHAIN_SECRET] });
  // A provider that repeats the key it was sent in its error message, as no provider should,
  // and escapes it the ways JSON allows: parsing any of them gives the key back.
  echo = createServer((req, res) => {
    req.resume();
    const key = String(req.headers.authorization);
    const escaped = [
      key,
      key.replaceAll('/', '\\/'),
      key.replaceAll('-', '\\u002D'),
      unicodeEscaped(key),
    ];
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(
      `{"error":{"message":"Invalid request; your key was ${escaped.join(' or ')}","type":"invalid_request_error"}}`,
    );
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/v1`;

  dataDir = await dataFolder('attacks', {
    'config.json': {
      version: 1,
      providers: {
        openai: { baseUrl: openai.url },
        anthropic: { baseUrl: anthropic.url },
        groq: { baseUrl: echoUrl },
      },
      keys: [
        {
          id: 'openai-env',
          provider: 'openai',
          label: 'env key',
          secret: { env: 'SY_ATTACK_OPENAI_KEY' },
        },
        { id: 'groq-echo', provider: 'groq', label: 'echo', secret: { env: 'SY_ATTACK_GROQ_KEY' } },
      ],
      // A browser tool the user let in: it reaches the proxy (with the key), never the admin API.
      settings: { allowedOrigins: [TOOL_ORIGIN] },
      routes: [
        { name: 'solo', targets: [{ provider: 'openai', model: 'gpt-4o-mini' }] },
        { name: 'anth', targets: [{ provider: 'anthropic', model: 'claude-haiku-4-5' }] },
        { name: 'echo', targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }] },
      ],
    },
  });
  // A data folder as an older version or a hand left it: readable by every local user.
  await chmod(dataDir, 0o755);
  await chmod(join(dataDir, 'config.json'), 0o644);
  dashboardDir = await mkdtemp(join(tmpdir(), 'switchyard-attacks-dashboard-'));
  await mkdir(join(dashboardDir, 'assets'));
  await writeFile(join(dashboardDir, 'index.html'), '<!doctype html><title>dashboard</title>');
  await writeFile(join(dashboardDir, 'assets', 'app.js'), 'console.log("app")');
  served = await serveFromSource(
    [],
    {
      SY_ATTACK_OPENAI_KEY: ENV_SECRET,
      SY_ATTACK_GROQ_KEY: ECHO_SECRET,
      SWITCHYARD_DASHBOARD_DIR: dashboardDir,
    },
    { dataDir },
  );
  port = Number(new URL(served.ready.url).port);
  adminToken = adminTokenOf(served.ready.dashboard);
  proxyKey = served.ready.proxyKey;
});

afterAll(async () => {
  if (served && served.child.exitCode === null) await served.stop();
  await Promise.all([openai?.close(), anthropic?.close()]);
  await new Promise<void>((resolve) => (echo ? echo.close(() => resolve()) : resolve()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  if (dashboardDir) await rm(dashboardDir, { recursive: true, force: true });
});

const host = () => `127.0.0.1:${port}`;
const chatBody = (model: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }], ...extra });

/** One request over a raw socket (fetch would fix up Host, Origin and `..` for us). */
async function send(
  method: string,
  path: string,
  headers: Array<[string, string]>,
  body = '',
): Promise<RawResponse> {
  const all: Array<[string, string]> = [
    ...(headers.some(([k]) => k.toLowerCase() === 'host')
      ? []
      : [['Host', host()] as [string, string]]),
    ...headers,
    ...(body ? [['Content-Length', String(Buffer.byteLength(body))] as [string, string]] : []),
  ];
  const res = await rawExchange(port, [httpRequest(method, path, all, body)], {
    head: method === 'HEAD',
  });
  seen.push({ what: `${method} ${path}`, text: `${JSON.stringify(res.headers)}\n${res.body}` });
  return res;
}

const proxyAuth = (): Array<[string, string]> => [
  ['Authorization', `Bearer ${proxyKey}`],
  ['Content-Type', 'application/json'],
];
const adminAuth = (): Array<[string, string]> => [['Authorization', `Bearer ${adminToken}`]];

function code(res: RawResponse): string | undefined {
  try {
    return (JSON.parse(res.body) as { error?: { code?: string } }).error?.code ?? undefined;
  } catch {
    return undefined;
  }
}

describe('requests a web page can make are refused', () => {
  it.each(['https://evil.example', 'http://localhost:3000', 'null', `http://127.0.0.1:${1}`])(
    'a foreign Origin (%s) on the proxy, the admin API and the dashboard',
    async (origin) => {
      const v1 = await send(
        'POST',
        '/v1/chat/completions',
        [...proxyAuth(), ['Origin', origin]],
        chatBody('solo'),
      );
      expect([v1.status, code(v1)]).toEqual([403, 'origin_not_allowed']);
      const admin = await send('GET', '/admin/config', [...adminAuth(), ['Origin', origin]]);
      expect([admin.status, code(admin)]).toEqual([403, 'origin_not_allowed']);
      const page = await send('GET', '/', [['Origin', origin]]);
      expect(page.status).toBe(403);
    },
  );

  it('a CORS preflight from another origin gets no CORS grant, and no answer ever carries one', async () => {
    const preflight = await send('OPTIONS', '/v1/chat/completions', [
      ['Origin', 'https://evil.example'],
      ['Access-Control-Request-Method', 'POST'],
      ['Access-Control-Request-Headers', 'authorization, content-type'],
    ]);
    expect(preflight.status).toBe(403);
    for (const { what, text } of seen) expect(text, what).not.toMatch(/access-control-allow/i);
  });

  it.each([
    ['text/plain', chatBody('solo')],
    ['application/x-www-form-urlencoded', 'model=solo&messages=hi'],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="model"\r\n\r\nsolo\r\n--x--',
    ],
  ])('a cross-site form post (%s), with and without Origin', async (type, body) => {
    const withOrigin = await send(
      'POST',
      '/v1/chat/completions',
      [
        ['Authorization', `Bearer ${proxyKey}`],
        ['Content-Type', type],
        ['Origin', 'https://evil.example'],
      ],
      body,
    );
    expect([withOrigin.status, code(withOrigin)]).toEqual([403, 'origin_not_allowed']);
    // A browser that sends no Origin still labels the request cross-site.
    const labelled = await send(
      'POST',
      '/v1/chat/completions',
      [
        ['Authorization', `Bearer ${proxyKey}`],
        ['Content-Type', type],
        ['Sec-Fetch-Site', 'cross-site'],
      ],
      body,
    );
    expect([labelled.status, code(labelled)]).toEqual([403, 'cross_site_request']);
  });

  it('the dashboard itself still gets through: same-origin fetches with the token header', async () => {
    const res = await send('GET', '/admin/status', [
      ...adminAuth(),
      ['Sec-Fetch-Site', 'same-origin'],
      ['Origin', `http://127.0.0.1:${port}`],
    ]);
    expect(res.status).toBe(200);
    // A link clicked from another site may still open the dashboard page; it holds no data.
    const page = await send('GET', '/', [['Sec-Fetch-Site', 'cross-site']]);
    expect(page.status).toBe(200);
  });

  it.each([
    'evil.example',
    `evil.example:${4141}`,
    '127.0.0.1.nip.io',
    'localhost.evil.example',
    '127.0.0.1:1@evil.example',
  ])('a DNS-rebinding Host (%s) everywhere, /healthz included', async (name) => {
    for (const path of ['/v1/models', '/admin/status', '/', '/healthz']) {
      const res = await send('GET', path, [['Host', name], ...adminAuth()]);
      expect([path, res.status]).toEqual([path, 403]);
    }
  });
});

describe('an allowed origin (settings.allowedOrigins) reaches the proxy only', () => {
  const fromTool = (): Array<[string, string]> => [
    ['Origin', TOOL_ORIGIN],
    ['Sec-Fetch-Site', 'cross-site'],
  ];
  const header = (res: RawResponse, name: string) => res.headers[name];

  it('its preflight is answered for the proxy: its origin, no wildcard, the SDK headers, a max age', async () => {
    const res = await send('OPTIONS', '/v1beta/models/solo:generateContent', [
      ...fromTool(),
      ['Access-Control-Request-Method', 'POST'],
      [
        'Access-Control-Request-Headers',
        'authorization, x-api-key, anthropic-version, anthropic-beta, x-goog-api-key, content-type, x-stainless-os, x-evil',
      ],
    ]);
    expect(res.status).toBe(204);
    expect(header(res, 'access-control-allow-origin')).toBe(TOOL_ORIGIN);
    expect(header(res, 'vary')).toMatch(/origin/i);
    expect(header(res, 'access-control-allow-methods')).toMatch(/POST/);
    const allowed = String(header(res, 'access-control-allow-headers'));
    for (const name of [
      'authorization',
      'x-api-key',
      'anthropic-version',
      'anthropic-beta',
      'x-goog-api-key',
      'content-type',
      'x-stainless-os',
    ])
      expect(allowed).toContain(name);
    expect(allowed).not.toContain('x-evil');
    expect(Number(header(res, 'access-control-max-age'))).toBeGreaterThan(0);
    expect(header(res, 'access-control-allow-credentials')).toBeUndefined();
  });

  it('its requests still need the proxy key, and get CORS headers either way', async () => {
    const bare = await send(
      'POST',
      '/v1/chat/completions',
      [...fromTool(), ['Content-Type', 'application/json']],
      chatBody('solo'),
    );
    expect([bare.status, code(bare)]).toEqual([401, 'invalid_proxy_key']);
    expect(header(bare, 'access-control-allow-origin')).toBe(TOOL_ORIGIN);
    const keyed = await send(
      'POST',
      '/v1/chat/completions',
      [...fromTool(), ...proxyAuth()],
      chatBody('solo'),
    );
    expect(keyed.status).toBe(200);
    expect(header(keyed, 'access-control-allow-origin')).toBe(TOOL_ORIGIN);
    expect(header(keyed, 'vary')).toMatch(/origin/i);
  });

  it('the admin API refuses it, preflight and request, even with the admin token', async () => {
    const preflight = await send('OPTIONS', '/admin/config', [
      ...fromTool(),
      ['Access-Control-Request-Method', 'GET'],
      ['Access-Control-Request-Headers', 'authorization'],
    ]);
    expect([preflight.status, code(preflight)]).toEqual([403, 'origin_not_allowed']);
    const admin = await send('GET', '/admin/config', [...fromTool(), ...adminAuth()]);
    expect([admin.status, code(admin)]).toEqual([403, 'origin_not_allowed']);
    for (const res of [preflight, admin])
      expect(header(res, 'access-control-allow-origin')).toBeUndefined();
  });

  it('an origin that only resembles it is still refused', async () => {
    for (const origin of [
      'https://tool.example:8443',
      'http://tool.example',
      'https://tool.example.evil',
      'null',
    ]) {
      const res = await send('OPTIONS', '/v1/chat/completions', [
        ['Origin', origin],
        ['Access-Control-Request-Method', 'POST'],
      ]);
      expect([origin, res.status]).toEqual([origin, 403]);
      expect(header(res, 'access-control-allow-origin')).toBeUndefined();
    }
  });
});

describe('keys and tokens', () => {
  it.each([
    ['no key', []],
    ['a wrong Bearer key', [['Authorization', 'Bearer sy-wrong']]],
    ['a wrong x-api-key', [['x-api-key', 'sy-wrong']]],
    ['the key with a character more', [['Authorization', `Bearer ${'x'}${'y'}`]]],
    ['the admin token as proxy key', 'admin'],
    ['Basic auth', [['Authorization', 'Basic c3k6c3k=']]],
  ] as Array<[string, Array<[string, string]> | 'admin']>)(
    'the proxy refuses %s',
    async (_name, headers) => {
      const auth: Array<[string, string]> =
        headers === 'admin' ? [['Authorization', `Bearer ${adminToken}`]] : headers;
      const res = await send(
        'POST',
        '/v1/chat/completions',
        [...auth, ['Content-Type', 'application/json']],
        chatBody('solo'),
      );
      expect([res.status, code(res)]).toEqual([401, 'invalid_proxy_key']);
      const almost = await send('GET', '/v1/models', [['Authorization', `Bearer ${proxyKey}x`]]);
      expect(almost.status).toBe(401);
    },
  );

  it.each([
    ['no token', []],
    ['a wrong token', [['Authorization', 'Bearer wrong']]],
    ['the proxy key', 'proxy'],
    ['a wrong cookie', [['Cookie', 'switchyard_session=wrong']]],
    ['the token in the query string', 'query'],
  ] as Array<[string, Array<[string, string]> | 'proxy' | 'query']>)(
    'the admin API refuses %s',
    async (_name, headers) => {
      const path = headers === 'query' ? `/admin/config?token=${adminToken}` : '/admin/config';
      const auth: Array<[string, string]> =
        headers === 'proxy'
          ? [['Authorization', `Bearer ${proxyKey}`]]
          : headers === 'query'
            ? []
            : headers;
      const res = await send('GET', path, auth);
      expect([res.status, code(res)]).toEqual([401, 'invalid_admin_token']);
    },
  );

  it('the session has no cookie: the token alone in a cookie is refused, even same-origin', async () => {
    // What another server on 127.0.0.1 would have received, had the session been a cookie.
    const cookie = await send('GET', '/admin/config', [
      ['Cookie', `switchyard_session=${adminToken}`],
      ['Sec-Fetch-Site', 'same-origin'],
      ['Origin', `http://127.0.0.1:${port}`],
    ]);
    expect([cookie.status, code(cookie)]).toEqual([401, 'invalid_admin_token']);
    const events = await send('GET', '/admin/events', [
      ['Cookie', `switchyard_session=${adminToken}`],
    ]);
    expect(events.status).toBe(401);
  });

  it('the dashboard link keeps the token in its fragment, and no answer ever sets a cookie', async () => {
    const link = new URL(served.ready.dashboard);
    expect([link.search, link.hash.startsWith('#token=')]).toEqual(['', true]);
    for (const path of ['/', `/?token=${adminToken}`, '/?token=wrong', '/index.html'])
      await send('GET', path, []);
    await send('GET', '/admin/status', adminAuth());
    for (const { what, text } of seen) expect(text, what).not.toMatch(/set-cookie/i);
  });
});

describe.skipIf(process.platform === 'win32')('the data folder is the user’s alone', () => {
  const JOURNAL = /^quota-journal-\d+\.jsonl$/;
  it('was tightened at start (0700, files 0600), with a line in the log saying so', async () => {
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    const files = await readdir(dataDir);
    for (const name of ['switchyard.db', 'switchyard.db-wal', 'switchyard.db-shm', 'config.json'])
      expect(files).toContain(name);
    // The quota journal's segment is in its own folder once a request was admitted to a pool
    // that counts (the Groq key's free limits: a pool without windows journals nothing), and a
    // snapshot save folds and deletes it within a second, so the request comes right before the
    // listing. The echo upstream refuses it, after the take was journalled.
    const journalDir = join(dataDir, 'quota-journal');
    let journal: string[] = [];
    for (let tries = 0; tries < 5 && journal.length === 0; tries++) {
      const proxied = await send('POST', '/v1/chat/completions', proxyAuth(), chatBody('echo'));
      expect(proxied.status).toBe(400);
      journal = (await readdir(journalDir)).filter((name) => JOURNAL.test(name));
    }
    expect(journal).not.toEqual([]);
    expect((await stat(journalDir)).mode & 0o777).toBe(0o700);
    expect(files.filter((name) => JOURNAL.test(name))).toEqual([]);
    for (const name of files.filter((name) => name !== 'quota-journal'))
      expect([name, (await stat(join(dataDir, name))).mode & 0o777]).toEqual([name, 0o600]);
    for (const name of journal)
      expect([name, (await stat(join(journalDir, name))).mode & 0o777]).toEqual([name, 0o600]);
    expect(served.stderr()).toMatch(
      /data folder: tightened permissions .*755→700.*config\.json 644→600/,
    );
  });
});

describe('the static dashboard stays inside its folder', () => {
  it.each([
    '/../../../../etc/passwd',
    '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/assets/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/%252e%252e/%252e%252e/etc/passwd',
    '/..%5c..%5c..%5cetc%5cpasswd',
    '/assets/%2e%2e/%2e%2e/config.json',
    '//etc/passwd',
    '/index.html%00.js',
    '/assets/app.js/../../../../../../etc/passwd',
  ])('%s', async (path) => {
    const res = await send('GET', path, []);
    expect(res.status).not.toBe(500);
    expect(res.body).not.toMatch(/root:.*:0:0:/);
    expect(res.body).not.toContain('"routes"');
    if (res.status === 200) expect(res.body).toContain('<title>dashboard</title>');
  });

  it('still serves its own files', async () => {
    const res = await send('GET', '/assets/app.js', []);
    expect(res.status).toBe(200);
    expect(res.body).toBe('console.log("app")');
  });
});

describe('a stolen admin token alone cannot extract a key', () => {
  it('points a provider at its own server, tests the key, proxies, guesses codes: gets no secret', async () => {
    const heard: string[] = [];
    const capture = createServer((req, res) => {
      heard.push(JSON.stringify(req.headers));
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data":[]}');
    });
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
    const captureUrl = `http://127.0.0.1:${(capture.address() as AddressInfo).port}/v1`;
    const adminJson: Array<[string, string]> = [
      ...adminAuth(),
      ['Content-Type', 'application/json'],
    ];
    try {
      const moved = await send(
        'PUT',
        '/admin/providers/openai',
        adminJson,
        JSON.stringify({ baseUrl: captureUrl }),
      );
      expect(moved.status, moved.body).toBe(200);
      const test = await send('POST', '/admin/keys/openai-env/test', adminJson, '{}');
      expect([test.status, code(test)]).toEqual([409, 'base_url_unconfirmed']);
      const proxied = await send('POST', '/v1/chat/completions', proxyAuth(), chatBody('solo'));
      expect(proxied.status).not.toBe(200);
      const asked = await send('POST', '/admin/keys/openai-env/base-url/code', adminJson, '{}');
      expect(asked.status).toBe(200);
      expect(asked.body).not.toMatch(/\d{6}/);
      for (const guess of ['000000', '123456', '654321', '111111']) {
        const confirm = await send(
          'POST',
          '/admin/keys/openai-env/base-url/confirm',
          adminJson,
          JSON.stringify({ baseUrl: captureUrl, code: guess }),
        );
        expect(confirm.status).toBe(403);
      }
      expect((await send('POST', '/admin/keys/openai-env/test', adminJson, '{}')).status).toBe(409);
      expect(heard.filter((h) => h.includes(ENV_SECRET) || h.includes(ECHO_SECRET))).toEqual([]);
    } finally {
      // Back where the key was confirmed for: the suite below uses it for real.
      await send(
        'PUT',
        '/admin/providers/openai',
        adminJson,
        JSON.stringify({ baseUrl: openai.url }),
      );
      await new Promise<void>((resolve) => capture.close(() => resolve()));
    }
  });
});

/** The secret, and the encodings a careless log or file would hold it in. */
function forms(secret: string): string[] {
  const random = secret.slice(-16);
  return [
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    encodeURIComponent(secret),
    Buffer.from(secret).toString('hex'),
    random,
    secret.replaceAll('/', '\\/'),
    secret.replaceAll('-', '\\u002D'),
    unicodeEscaped(secret),
  ];
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

describe('no provider key anywhere after real use', () => {
  it('uses an env key, a keychain key and a provider that echoes its key, then finds none of them', async () => {
    // The keychain key, added the way the dashboard adds one.
    const keychain = await send('GET', '/admin/keychain', adminAuth());
    const keychainWorks = keychain.status === 200 && /"state":"ok"/.test(keychain.body);
    if (keychainWorks) {
      const added = await send(
        'POST',
        '/admin/keys',
        [...adminAuth(), ['Content-Type', 'application/json']],
        JSON.stringify({ provider: 'anthropic', label: 'keychain key', secret: KEYCHAIN_SECRET }),
      );
      expect(added.status, added.body).toBe(200);
    } else {
      console.log(
        `keychain: not available here (${keychain.body.slice(0, 200)}); its key is not exercised`,
      );
    }

    // Bodies logged too: a key pasted into a prompt must still not reach the log.
    const settings = await send('GET', '/admin/settings', adminAuth());
    const logged = await send(
      'PUT',
      '/admin/settings',
      [...adminAuth(), ['Content-Type', 'application/json']],
      JSON.stringify({ ...(JSON.parse(settings.body) as object), logBodies: true }),
    );
    expect(logged.status, logged.body).toBe(200);

    for (const stream of [false, true]) {
      const ok = await send(
        'POST',
        '/v1/chat/completions',
        proxyAuth(),
        chatBody('solo', { stream }),
      );
      expect(ok.status).toBe(200);
      expect(ok.body).toContain(stream ? 'hello' : 'echo: hello');
      if (keychainWorks) {
        const anth = await send(
          'POST',
          '/v1/messages',
          [
            ['x-api-key', proxyKey],
            ['Content-Type', 'application/json'],
            ['anthropic-version', '2023-06-01'],
          ],
          JSON.stringify({
            model: 'anth',
            max_tokens: 32,
            stream,
            messages: [{ role: 'user', content: 'hello' }],
          }),
        );
        expect(anth.status, anth.body).toBe(200);
      }
      const echoed = await send(
        'POST',
        '/v1/chat/completions',
        proxyAuth(),
        chatBody('echo', { stream }),
      );
      expect(echoed.status).toBe(400);
      expect(echoed.body).toMatch(/your key was Bearer \[key …/);
      expect(echoed.body).not.toContain(ECHO_SECRET);
      // A key in a prompt is the person's own business; it must not reach the log either.
      const pasted = await send(
        'POST',
        '/v1/chat/completions',
        proxyAuth(),
        JSON.stringify({
          model: 'solo',
          stream,
          user: ENV_SECRET,
          messages: [{ role: 'user', content: `my keys: ${ENV_SECRET} ${KEYCHAIN_SECRET}` }],
        }),
      );
      expect(pasted.status).toBe(200);
    }
    expect(openai.requests.some((r) => r.key?.last4 === ENV_SECRET.slice(-4))).toBe(true);

    // Every GET of the admin API, and every logged request in detail.
    for (const path of [
      '/admin/status',
      '/admin/config',
      '/admin/settings',
      '/admin/providers',
      '/admin/keys',
      '/admin/keychain',
      '/admin/requests?limit=500',
      '/admin/metrics',
      '/admin/catalog',
      '/admin/quota',
      '/admin/proxy-key',
    ]) {
      const res = await send('GET', path, adminAuth());
      expect([path, res.status]).toEqual([path, 200]);
    }
    const list = seen.find((s) => s.what === 'GET /admin/requests?limit=500')!.text;
    const ids = [...list.matchAll(/"id":"([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of new Set(ids))
      await send('GET', `/admin/requests/${encodeURIComponent(id)}`, adminAuth());

    // The search below is not vacuous: the logged bodies are there, with the keys masked.
    expect(
      seen.some((x) => x.what.startsWith('GET /admin/requests/') && x.text.includes('my keys:')),
    ).toBe(true);
    await served.stop();
    const files = await filesUnder(dataDir);
    expect(files.length).toBeGreaterThan(0);
    const places: Array<{ what: string; bytes: Buffer }> = [
      ...(await Promise.all(files.map(async (f) => ({ what: f, bytes: await readFile(f) })))),
      { what: 'engine log (stderr)', bytes: Buffer.from(served.stderr()) },
      ...seen
        .filter((s) => s.what.startsWith('GET /admin') || s.what.startsWith('POST /admin'))
        .map((s) => ({ what: `admin answer ${s.what}`, bytes: Buffer.from(s.text) })),
      // The clients' answers: the echoed key must not reach the caller in any spelling.
      ...seen
        .filter((s) => s.what.startsWith('POST /v1'))
        .map((s) => ({ what: `client answer ${s.what}`, bytes: Buffer.from(s.text) })),
    ];
    const leaks: string[] = [];
    const secrets = {
      'the env key': ENV_SECRET,
      'the keychain key': KEYCHAIN_SECRET,
      'the echoed key': ECHO_SECRET,
    };
    for (const [name, secret] of Object.entries(secrets))
      for (const form of forms(secret))
        for (const place of places) {
          const at = place.bytes.indexOf(form);
          if (at === -1) continue;
          const around = place.bytes
            .subarray(Math.max(0, at - 80), at + form.length + 20)
            .toString('latin1');
          leaks.push(
            `${place.what} holds ${name}${form === secret ? '' : ` (as ${form})`}: …${around}…`,
          );
        }
    console.log(
      `secret search: ${files.length} files in the data folder, ${served.stderr().split('\n').length} log lines, ${places.length - files.length - 1} admin and client answers; ${leaks.length} leaks`,
    );
    expect(leaks).toEqual([]);
  });
});
