import type { ModelWatchEntry } from '../../../app/models/watch.ts';
import { get, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_API, type EndpointName } from '../../../app/admin/contract.ts';
import { fillPath } from '../../../app/admin/request.ts';
import type { Engine } from '../../../main/engine/engine.ts';
import type { ValidateKey } from '../../../main/keys/keyStatus.ts';
import { startScratchEngine, type ScratchEngine } from '../../harness/scratchEngine.ts';
import { MemoryKeychain } from '../keys/memoryKeychain.ts';
import { attempt, request } from '../store/records.ts';
import { readEvents } from './sse.ts';

const SECRET = 'sk-admin-test-0123456789abcdefSECR';
const NEW_SECRET = 'sk-admin-test-9876543210fedcbaNEWS';

const validateKey: ValidateKey = async (provider) => ({
  outcome: 'ok',
  message: `${provider} answered: 2 models`,
  latencyMs: 5,
});

let scratch: ScratchEngine;
let engine: Engine;
/** Base-URL confirmation codes the engine showed (outside the admin API). */
const shown: string[] = [];
const MOVED_URL = 'http://127.0.0.1:10/v1';
const keychain = new MemoryKeychain();

beforeAll(async () => {
  scratch = await startScratchEngine({
    name: 'admin',
    showCode: (message) => {
      shown.push(message);
      return 'the test';
    },
    keychain,
    validateKey,
    sendTestRequest: async (model, prompt) => ({
      ok: true,
      status: 200,
      text: `echo ${model}: ${prompt}`,
      requestId: 'req-test',
      provider: 'mock',
      model: 'echo',
      latencyMs: 3,
    }),
    // A variable only the catalog's keyEnv names (no hard-coded list has it).
    env: { VLLM_API_KEY: 'vllm-local-token-0123456789' },
  });
  engine = scratch.engine;
});
afterAll(() => scratch?.close());

type Call = {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
};

async function call(name: EndpointName, { params, query, body, headers }: Call = {}) {
  const def = ADMIN_API[name];
  const url = new URL(fillPath(def.path, params), engine.url);
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  return scratch.adminJson<
    Record<string, unknown> & {
      error?: { message: string; code: string; issues?: { path: string; message: string }[] };
    }
  >(def.method, `${url.pathname}${url.search}`, body, headers);
}

type Case = Call & {
  name: EndpointName;
  check?: (json: Record<string, unknown>) => void;
  /** A request the endpoint must refuse with 400, and the field its message must name. */
  invalid?: Call & { field: RegExp };
};

/** One valid call per endpoint, in an order where each finds what it needs (a key to replace, a request to read). */
const CASES: Case[] = [
  { name: 'status', check: (j) => expect(j.proxyUrl).toBe(engine.proxyUrl) },
  { name: 'getConfig', check: (j) => expect(j.version).toBe(1) },
  {
    name: 'putConfig',
    body: { version: 1 },
    check: (j) => expect(j.routes).toEqual([]),
    invalid: { body: { version: 1, routes: 'fast' }, field: /^routes: / },
  },
  { name: 'getSettings', check: (j) => expect(j.retentionDays).toBe(30) },
  {
    name: 'putSettings',
    body: { logBodies: false, retentionDays: 14 },
    check: (j) => expect(j).toMatchObject({ retentionDays: 14, retentionMaxMb: 512 }),
    invalid: { body: { retentionDays: 0 }, field: /^retentionDays: / },
  },
  {
    name: 'putProvider',
    params: { id: 'mock' },
    body: { custom: true, baseUrl: 'http://127.0.0.1:9/v1', format: 'openai' },
    check: (j) =>
      expect(j).toEqual({ custom: true, baseUrl: 'http://127.0.0.1:9/v1', format: 'openai' }),
    invalid: { params: { id: 'mock' }, body: { baseUrl: 'not a url' }, field: /^baseUrl: / },
  },
  { name: 'listProviders', check: (j) => expect(Object.keys(j)).toEqual(['mock']) },
  {
    name: 'addKey',
    body: { provider: 'mock', label: 'main', secret: SECRET },
    check: (j) =>
      expect(j).toMatchObject({
        key: { id: 'mock-1', last4: 'SECR', source: 'keychain', status: 'ok' },
        test: { outcome: 'ok' },
      }),
    invalid: { body: { provider: 'mock', label: 'main' }, field: /^secret: give either "secret"/ },
  },
  {
    name: 'listKeys',
    check: (j) =>
      expect(j).toEqual([
        expect.objectContaining({ id: 'mock-1', provider: 'mock', label: 'main' }),
      ]),
  },
  {
    name: 'replaceKey',
    params: { id: 'mock-1' },
    body: { secret: NEW_SECRET },
    check: (j) => expect(j).toMatchObject({ key: { last4: 'NEWS' } }),
    invalid: {
      params: { id: 'mock-1' },
      body: { secret: 'short' },
      field: /^secret: secret is too short/,
    },
  },
  {
    name: 'testKey',
    params: { id: 'mock-1' },
    body: {},
    check: (j) =>
      expect(j).toMatchObject({ test: { outcome: 'ok', message: 'mock answered: 2 models' } }),
    invalid: { params: { id: 'mock-1' }, body: { now: true }, field: /unknown field "now"/ },
  },
  {
    // The runner first moves the provider (see below), so the key waits for a confirmation.
    name: 'requestBaseUrlCode',
    params: { id: 'mock-1' },
    body: {},
    check: (j) =>
      expect(j).toEqual({
        keyId: 'mock-1',
        baseUrl: MOVED_URL,
        confirmedBaseUrl: 'http://127.0.0.1:9/v1',
        shownIn: 'the test',
      }),
    invalid: { params: { id: 'mock-1' }, body: { code: 1 }, field: /unknown field "code"/ },
  },
  {
    name: 'confirmBaseUrl',
    params: { id: 'mock-1' },
    get body() {
      return { baseUrl: MOVED_URL, code: /code (\d{6})/.exec(shown.at(-1) ?? '')?.[1] };
    },
    check: (j) => expect(j).toMatchObject({ id: 'mock-1', provider: 'mock' }),
    invalid: {
      params: { id: 'mock-1' },
      body: { baseUrl: MOVED_URL, code: '12ab' },
      field: /^code: code is the 6 digits/,
    },
  },
  {
    name: 'importCandidates',
    body: { dotenv: 'GROQ_API_KEY=gsk_fromdotenv_0123456789abcd\nDEBUG=1\n' },
    check: (j) =>
      expect(j).toEqual([
        {
          name: 'VLLM_API_KEY',
          provider: 'vllm',
          source: 'env',
          last4: '6789',
          alreadyAdded: false,
        },
        {
          name: 'GROQ_API_KEY',
          provider: 'groq',
          source: 'dotenv',
          last4: 'abcd',
          alreadyAdded: false,
        },
      ]),
    invalid: { body: { dotenv: 5 }, field: /^dotenv: / },
  },
  {
    name: 'importKeys',
    body: {
      items: [{ name: 'GROQ_API_KEY' }],
      dotenv: 'GROQ_API_KEY=gsk_fromdotenv_0123456789abcd',
    },
    check: (j) =>
      expect(j).toEqual([expect.objectContaining({ name: 'GROQ_API_KEY', outcome: 'imported' })]),
    invalid: { body: { items: [] }, field: /^items: items must name at least one/ },
  },
  { name: 'keychainStatus', check: (j) => expect(j.state).toBe('ok') },
  {
    name: 'listRequests',
    query: { status: 'error' },
    check: (j) =>
      expect(j).toMatchObject({ items: [{ id: 'logged-2', status: 502 }], droppedRows: 0 }),
    invalid: { query: { status: 'maybe' }, field: /^status: status must be "ok", "error"/ },
  },
  {
    name: 'getRequest',
    params: { id: 'logged-1' },
    check: (j) =>
      expect(j).toMatchObject({ request: { id: 'logged-1' }, attempts: [{ provider: 'mock' }] }),
  },
  {
    name: 'metrics',
    query: { range: '15m', groupBy: 'key' },
    check: (j) => expect((j.series as { group: string }[]).map((s) => s.group)).toEqual(['mock-1']),
    invalid: { query: { range: '2d' }, field: /^range: / },
  },
  {
    // Through the log's thread: the two requests the listRequests case logged, one of them a 502.
    name: 'liveTraffic',
    check: (j) => {
      const minutes = j.minutes as { requests: number; errors: number; failovers: number }[];
      expect(minutes.reduce((n, m) => n + m.requests, 0)).toBeGreaterThanOrEqual(2);
      expect(minutes.reduce((n, m) => n + m.errors, 0)).toBeGreaterThanOrEqual(1);
      expect((j.to as number) - (j.from as number)).toBe(15 * 60_000);
    },
  },
  {
    name: 'testRequest',
    body: { model: 'fast', prompt: 'ping' },
    check: (j) => expect(j).toMatchObject({ ok: true, text: 'echo fast: ping' }),
    invalid: { body: { model: 'fast' }, field: /^prompt: / },
  },
  {
    name: 'proxyKey',
    check: (j) => {
      expect(j).toMatchObject({ proxyKey: engine.proxyKey, proxyUrl: engine.proxyUrl });
      expect(['env', 'keychain', 'ephemeral']).toContain(j.source);
    },
  },
  {
    name: 'getCatalog',
    check: (j) => {
      const ids = (j.catalog as { providers: { id: string }[] }).providers.map((p) => p.id);
      expect(ids).toEqual(expect.arrayContaining(['groq', 'gemini', 'openrouter']));
      expect(j.problems).toEqual([]);
    },
  },
  {
    name: 'putRoutes',
    body: [
      {
        name: 'fast',
        targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }],
        latencyBudgetMs: 800,
      },
    ],
    check: (j) =>
      expect(j).toMatchObject([{ name: 'fast', latencyBudgetMs: 800, privacy: 'standard' }]),
    invalid: {
      body: [{ name: 'bad route', targets: [] }],
      field: /^\[0\]\.name: route name must not contain/,
    },
  },
  {
    name: 'putRules',
    body: [{ name: 'background', when: { model: 'claude-*haiku*' }, route: 'fast' }],
    check: (j) =>
      expect(j).toEqual([{ name: 'background', when: { model: 'claude-*haiku*' }, route: 'fast' }]),
    invalid: {
      body: [{ name: 'b', when: {}, route: 'nope' }],
      field: /^The config would become invalid: rules\[0\]\.route: no route named "nope"/,
    },
  },
  {
    name: 'testRules',
    body: {
      format: 'anthropic',
      body: { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'title' }] },
    },
    check: (j) =>
      expect(j).toMatchObject({ via: 'rule', rule: 'background', route: 'fast', error: null }),
    invalid: { body: { body: 'not an object' }, field: /^body: / },
  },
  {
    name: 'quota',
    check: (j) => {
      expect(typeof j.at).toBe('number');
      expect(Array.isArray(j.pools)).toBe(true);
    },
  },
  {
    name: 'limiterState',
    check: (j) => {
      expect(typeof j.pools).toBe('object');
      expect(typeof j.keys).toBe('object');
    },
  },
  {
    name: 'paidSpend',
    check: (j) => {
      // Nothing has gone through a paid key in this engine's run; the day began at local midnight.
      expect(j.byRoute).toEqual({});
      expect(j.since).toBe(new Date(new Date().setHours(0, 0, 0, 0)).getTime());
    },
  },
  // The key check stands in for discovery here, so nothing was listed and nothing is flagged.
  {
    name: 'modelWatch',
    check: (j) =>
      expect((j.modelWatch as ModelWatchEntry[]).every((e) => e.state === 'ok')).toBe(true),
  },
  { name: 'discoveredModels', check: (j) => expect(j).toEqual([]) },
  {
    name: 'setPaused',
    body: { paused: false },
    check: (j) => expect(j).toMatchObject({ paused: false }),
    invalid: { body: { paused: 'yes' }, field: /^paused: / },
  },
  { name: 'deleteKey', params: { id: 'groq-1' }, check: (j) => expect(j).toEqual({ ok: true }) },
  { name: 'deleteProvider', params: { id: 'nobody' }, check: () => undefined },
];

describe('admin API: every endpoint', () => {
  it('has a valid-request case in this file', () => {
    const covered = new Set(CASES.map((c) => c.name));
    expect((Object.keys(ADMIN_API) as EndpointName[]).filter((n) => !covered.has(n))).toEqual([]);
  });

  it.each(CASES)('$name answers a valid request', async (c) => {
    if (c.name === 'listRequests') {
      const t = Date.now();
      engine.state.requestLog.record(
        request('logged-1', t - 10, { provider: 'mock', keyId: 'mock-1' }),
        [attempt(t - 10, { provider: 'mock', keyId: 'mock-1' })],
      );
      engine.state.requestLog.record(
        request('logged-2', t, { provider: 'mock', keyId: 'mock-1', status: 502 }),
        [attempt(t, { provider: 'mock', keyId: 'mock-1', outcome: 'failed', status: 502 })],
      );
    }
    if (c.name === 'requestBaseUrlCode') {
      const moved = await call('putProvider', {
        params: { id: 'mock' },
        body: { custom: true, baseUrl: MOVED_URL, format: 'openai' },
      });
      expect(moved.status).toBe(200);
    }
    const { status, json } = await call(c.name, c);
    if (c.name === 'deleteProvider') {
      expect(status).toBe(404);
      expect(json.error?.message).toMatch(/no override or custom provider "nobody"/);
      return;
    }
    expect(status, JSON.stringify(json)).toBe(200);
    c.check?.(json);
  });

  it.each(CASES.filter((c) => c.invalid))(
    '$name refuses an invalid request with 400 naming the field',
    async (c) => {
      const { field, ...invalid } = c.invalid!;
      const { status, json } = await call(c.name, invalid);
      expect(status).toBe(400);
      expect(json.error?.message).toMatch(field);
    },
  );

  /** Calls an endpoint (its `:id` filled, an empty body where it takes one) with only `headers`; the error code it answers. */
  async function refusal(name: EndpointName, headers: Record<string, string>) {
    const def = ADMIN_API[name];
    const body = def.method === 'POST' || def.method === 'PUT';
    const res = await fetch(new URL(fillPath(def.path, { id: 'x' }), engine.url), {
      method: def.method,
      headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: '{}' } : {}),
    });
    return {
      status: res.status,
      code: ((await res.json()) as { error: { code: string } }).error.code,
    };
  }

  it.each(Object.keys(ADMIN_API) as EndpointName[])(
    '%s refuses a call without the token (401)',
    async (name) => {
      expect(await refusal(name, {})).toEqual({ status: 401, code: 'invalid_admin_token' });
    },
  );

  it.each(Object.keys(ADMIN_API) as EndpointName[])(
    '%s refuses a foreign Origin (403), token or not',
    async (name) => {
      const headers = {
        authorization: `Bearer ${engine.adminToken}`,
        origin: 'http://evil.example',
      };
      expect(await refusal(name, headers)).toEqual({ status: 403, code: 'origin_not_allowed' });
    },
  );
});

describe('admin API: state rules', () => {
  it('a locked keychain answers 503 with what to do, and is not reported as a missing key', async () => {
    keychain.mode = 'locked';
    try {
      const added = await call('addKey', {
        body: { provider: 'mock', label: 'second', secret: SECRET },
      });
      expect(added.status).toBe(503);
      expect(added.json.error).toMatchObject({ code: 'keychain_locked' });
      expect(added.json.error?.message).toMatch(/is locked.*Unlock it/s);
      const status = await call('keychainStatus');
      expect(status.json).toMatchObject({ state: 'locked' });
    } finally {
      keychain.mode = 'ok';
    }
  });

  it('answers a config the schema refuses with 400 and its field issues as a list', async () => {
    const res = await call('putRoutes', {
      body: [{ name: 'pinned', targets: [{ provider: 'groq', model: 'm', key: 'nope' }] }],
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      code: 'config_invalid',
      issues: [
        {
          path: 'routes[0].targets[0].key',
          message: expect.stringMatching(/^no key with id "nope"/),
        },
        // The rule saved above names "fast", which these routes would drop.
        { path: 'rules[0].route', message: 'no route named "fast": name one of "pinned"' },
      ],
    });
  });

  it('answers a refused body with its field issues as a list', async () => {
    const res = await call('putSettings', { body: { retentionDays: 0, colour: 'red' } });
    expect(res.status).toBe(400);
    expect(res.json.error?.code).toBe('invalid_body');
    expect(res.json.error?.issues?.map((i) => i.path).sort()).toEqual([
      '(top level)',
      'retentionDays',
    ]);
  });

  it('refuses to delete a custom provider that keys still use', async () => {
    const res = await call('deleteProvider', { params: { id: 'mock' } });
    expect(res.status).toBe(409);
    expect(res.json.error?.message).toMatch(/still used by key "mock-1"/);
  });

  it('no admin answer carries a key secret', async () => {
    for (const name of ['listKeys', 'getConfig', 'status', 'keychainStatus'] as const) {
      const { json } = await call(name);
      expect(JSON.stringify(json)).not.toContain(SECRET);
      expect(JSON.stringify(json)).not.toContain(NEW_SECRET);
    }
  });
});

describe('the event stream', () => {
  it('needs the token and a clean Origin like the rest of /admin', async () => {
    expect((await fetch(new URL('/admin/events', engine.url))).status).toBe(401);
    const foreign = await fetch(new URL('/admin/events', engine.url), {
      headers: { authorization: `Bearer ${engine.adminToken}`, origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
  });

  it('tells the dashboard about config changes, key status changes and finished requests', async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      get(
        new URL('/admin/events', engine.url),
        { headers: { authorization: `Bearer ${engine.adminToken}` } },
        resolve,
      ).once('error', reject),
    );
    expect(res.statusCode).toBe(200);
    const stream = readEvents(res);
    // Quota events come on the limiter's own schedule (a config change reseeds it); this test
    // follows the others in the order it causes them.
    const events = {
      next: async () => {
        for (;;) {
          const event = await stream.next();
          if (event.event !== 'quota.changed') return event;
        }
      },
    };
    await expect.poll(() => engine.state.events.clientCount).toBe(1);

    await call('putSettings', { body: { retentionDays: 20 } });
    expect((await events.next()).event).toBe('config.changed');

    engine.state.keys.markStatus('mock-1', 'exhausted', 'daily quota used up');
    expect(await events.next()).toMatchObject({
      event: 'key.status',
      data: { id: 'mock-1', status: 'exhausted', previous: 'ok', reason: 'daily quota used up' },
    });

    // A proxied request (its upstream does not listen): whatever its fate, it is logged and listed.
    const proxied = await fetch(`${engine.proxyUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${engine.proxyKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await proxied.arrayBuffer();
    const finished = await events.next();
    expect(finished).toMatchObject({
      event: 'request.finished',
      data: {
        request: {
          id: proxied.headers.get('x-switchyard-request-id'),
          status: proxied.status,
          attempts: expect.any(Number),
        },
      },
    });
    // The list row only: the attempts, most of the bytes, are the detail's (GET /admin/requests/:id).
    expect(finished.data).not.toHaveProperty('attempts');
    res.destroy();
  });
});
