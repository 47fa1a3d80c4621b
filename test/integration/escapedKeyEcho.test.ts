import { randomBytes } from 'node:crypto';
import {
  createServer,
  get,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/engine/engine.ts';
import { startScratchEngine, type ScratchEngine } from '../harness/scratchEngine.ts';

/*
 * A provider that repeats the key it was sent, written with the JSON escapes a serializer may
 * choose (`\/`, `\u002d`, `\u002D`, every character as `\uXXXX`, a mix), in error answers and in
 * streamed and whole successful ones. Parsing any of those gives the key back, so nothing the
 * engine sends out may hold it once decoded: the client's answer, the request log as the admin
 * API serves it, the event stream and the engine's log.
 */
const KEY = `sk-live/${randomBytes(8).toString('hex')}-${randomBytes(8).toString('hex')}`;
const PROXY_KEY = `sy-proxy-${randomBytes(12).toString('hex')}`;

const hex = (ch: string) => ch.charCodeAt(0).toString(16).padStart(4, '0');
const ESCAPES: Record<string, (key: string) => string> = {
  slash: (key) => key.replaceAll('/', '\\/'),
  'unicode-dash': (key) => key.replaceAll('-', '\\u002d'),
  'unicode-dash-upper': (key) => key.replaceAll('-', '\\u002D'),
  'every-character': (key) => [...key].map((c) => `\\u${hex(c)}`).join(''),
  mixed: (key) =>
    [...key]
      .map((c, i) => (c === '/' ? '\\/' : i % 3 === 0 ? `\\u${hex(c).toUpperCase()}` : c))
      .join(''),
};

/** The provider's answer for a prompt `MODE STYLE`, its key escaped as STYLE says. */
function answer(req: IncomingMessage, body: string, res: ServerResponse) {
  // The engine's model discovery lists the key's models at start.
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"object":"list","data":[{"id":"gpt-4o-mini","object":"model"}]}');
    return;
  }
  const parsed = JSON.parse(body) as { stream?: boolean; messages: Array<{ content: string }> };
  const [mode, style] = String(parsed.messages.at(-1)?.content).split(' ') as [string, string];
  const key = String(req.headers.authorization).replace(/^Bearer /, '');
  const echoed = ESCAPES[style]?.(key) ?? 'nothing';
  if (mode === 'error') {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(
      `{"error":{"message":"Invalid request for key ${echoed}","type":"invalid_request_error"}}`,
    );
    return;
  }
  if (!parsed.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"your key is ${echoed}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}`,
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta: string, finish: string | null) =>
    `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":${delta},"finish_reason":${finish}}]}\n\n`;
  res.end(
    chunk('{"role":"assistant","content":"your key is "}', 'null') +
      chunk(`{"content":"${echoed} (again: ${echoed})"}`, 'null') +
      chunk('{}', '"stop"') +
      'data: [DONE]\n\n',
  );
}

let provider: Server;
let scratch: ScratchEngine;
let engine: Engine;
const logs: string[] = [];
const events: string[] = [];
let eventStream: IncomingMessage | undefined;

beforeAll(async () => {
  provider = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => answer(req, body, res));
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  scratch = await startScratchEngine({
    name: 'echo',
    files: {
      'config.json': {
        version: 1,
        providers: {
          openai: { baseUrl: `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1` },
        },
        keys: [{ id: 'echo', provider: 'openai', label: 'echo', secret: { env: 'SY_ECHO_KEY' } }],
        routes: [{ name: 'echo', targets: [{ provider: 'openai', model: 'gpt-4o-mini' }] }],
        settings: { logBodies: true },
      },
    },
    proxyKey: PROXY_KEY,
    env: { SY_ECHO_KEY: KEY },
    log: (line) => logs.push(line),
  });
  engine = scratch.engine;
  await new Promise<void>((resolve, reject) => {
    const req = get(
      `${engine.url}/admin/events`,
      { headers: { authorization: `Bearer ${engine.adminToken}` } },
      (res) => {
        eventStream = res;
        res.setEncoding('utf8');
        res.on('data', (text: string) => events.push(text));
        resolve();
      },
    );
    req.on('error', reject);
  });
});

afterAll(async () => {
  eventStream?.destroy();
  await scratch?.close();
  await new Promise<void>((resolve) => (provider ? provider.close(() => resolve()) : resolve()));
});

/** Every string a reader of `text` could get: the text, and what JSON or SSE in it decodes to. */
function decoded(text: string, depth = 0): string[] {
  const out = [text];
  if (depth > 4) return out;
  const values: unknown[] = [];
  try {
    values.push(JSON.parse(text));
  } catch {
    for (const line of text.split(/\r?\n/)) {
      if (!line.startsWith('data:')) continue;
      try {
        values.push(JSON.parse(line.slice(5)));
      } catch {
        // not JSON: the raw text above already covers it
      }
    }
  }
  const walk = (value: unknown) => {
    if (typeof value === 'string') out.push(...decoded(value, depth + 1));
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  values.forEach(walk);
  return out;
}

function holdsKey(text: string): boolean {
  return decoded(text).some((s) => s.includes(KEY) || s.includes(KEY.slice(-16)));
}

async function send(inbound: 'openai' | 'anthropic', prompt: string, stream: boolean) {
  const res = await fetch(
    `${engine.proxyUrl}/${inbound === 'openai' ? 'chat/completions' : 'messages'}`,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(inbound === 'openai'
          ? { authorization: `Bearer ${PROXY_KEY}` }
          : { 'x-api-key': PROXY_KEY, 'anthropic-version': '2023-06-01' }),
      },
      body: JSON.stringify({
        model: 'echo',
        stream,
        max_tokens: 64,
        messages: [{ role: 'user', content: prompt }],
      }),
    },
  );
  return { status: res.status, text: await res.text() };
}

const cases = () =>
  Object.keys(ESCAPES).flatMap((style) =>
    (['openai', 'anthropic'] as const).flatMap((inbound) =>
      [false, true].flatMap((stream) =>
        (['error', 'ok'] as const).map((mode) => [style, inbound, stream, mode] as const),
      ),
    ),
  );

describe('a provider that echoes its key, escaped', () => {
  it.each(cases())(
    '%s escapes, %s caller, stream %s, %s answer: the client never gets the key',
    async (style, inbound, stream, mode) => {
      const res = await send(inbound, `${mode} ${style}`, stream);
      expect(res.status, res.text).toBe(mode === 'error' ? 400 : 200);
      // The answer still says what happened, with the key named by its last four characters.
      expect(res.text).toContain(mode === 'error' ? 'Invalid request for key' : 'your key is');
      expect(res.text).toMatch(/\[key …[0-9a-f]{4}\]/);
      expect(holdsKey(res.text), res.text).toBe(false);
    },
  );

  it('the request log, the admin API, the event stream and the engine log never hold it', async () => {
    const admin = (path: string) => scratch.adminFetch(path);
    const list = await (await admin('/admin/requests?limit=500')).text();
    const ids = [...list.matchAll(/"id":"([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBe(cases().length);
    const details = await Promise.all(
      ids.map(async (id) => (await admin(`/admin/requests/${encodeURIComponent(id)}`)).text()),
    );
    // Not vacuous: the logged bodies and errors are there, with the key masked.
    expect(details.some((d) => d.includes('your key is'))).toBe(true);
    expect(details.some((d) => d.includes('Invalid request for key'))).toBe(true);
    expect(events.join('')).toContain('request.finished');
    for (const [what, text] of [
      ['GET /admin/requests', list],
      ...details.map((d, i) => [`GET /admin/requests/${ids[i]}`, d]),
      ['event stream', events.join('')],
      ['engine log', logs.join('\n')],
    ] as Array<[string, string]>)
      expect(holdsKey(text), `${what}: ${text.slice(0, 2000)}`).toBe(false);
  });
});

describe('logged bodies', () => {
  it('keep no passwords, AWS secrets, tokens, private keys or database passwords', async () => {
    const aws = `Zk3qPLm9/${randomBytes(8).toString('hex')}/${randomBytes(6).toString('hex')}`;
    const github = `ghp_${randomBytes(18).toString('hex').slice(0, 36)}`;
    const pem = Array.from({ length: 5 }, () => randomBytes(48).toString('base64')).join('\n');
    const secrets = ['Hunt3r-2-go', 's3cr3t!Pass', aws, github, pem.slice(0, 40), 'Pg-pa55word'];
    const prompt = [
      'ok plain',
      'curl -d "user=bob&password=Hunt3r-2-go" https://example.com',
      'PGPASSWORD=s3cr3t!Pass psql -h db',
      `AWS_SECRET_ACCESS_KEY="${aws}"`,
      `token ${github}`,
      `-----BEGIN RSA PRIVATE KEY-----\n${pem}\n-----END RSA PRIVATE KEY-----`,
      'postgres://app:Pg-pa55word@db.example.com:5432/app',
    ].join('\n');
    for (const stream of [false, true]) {
      const res = await send('openai', prompt, stream);
      expect(res.status).toBe(200);
    }
    const admin = (path: string) => scratch.adminFetch(path);
    await expect
      .poll(
        async () =>
          ((await (await admin('/admin/requests?limit=500')).json()) as { items: unknown[] }).items
            .length,
      )
      .toBe(cases().length + 2);
    const list = (await (await admin('/admin/requests?limit=2')).json()) as {
      items: Array<{ id: string }>;
    };
    for (const { id } of list.items) {
      const detail = await (await admin(`/admin/requests/${encodeURIComponent(id)}`)).text();
      expect(detail).toContain('psql -h db');
      for (const secret of secrets)
        expect(
          decoded(detail).some((s) => s.includes(secret)),
          `${secret} in ${detail.slice(0, 3000)}`,
        ).toBe(false);
    }
  });
});
