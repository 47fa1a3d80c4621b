/**
 * Rules by request shape, capability skips and session affinity through a real engine and
 * mock providers: requests shaped like Claude Code's (background haiku calls, a long read,
 * ordinary turns with tools), an image and an oversized prompt on a chain with a text-only,
 * small-window model first, and a 20-turn conversation on a two-key pool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestDetail, RequestLogPage, RuleTestResult } from '../../app/admin/types.ts';
import { PROXY_KEY, startTestEngine, type TestEngine } from './harness.ts';
import { keysFor, mocksFor, route } from './testConfig.ts';

const KEYS = keysFor('rules', [
  ['anthropic-main', 'anthropic'],
  ['g1', 'groq'],
  ['g2', 'groq'],
  ['gemini-free', 'gemini'],
]);

const CLAUDE_UA = 'claude-cli/2.0.14 (external, cli)';
const TOOLS = [
  {
    name: 'Bash',
    description: 'Run a shell command',
    input_schema: { type: 'object', properties: { command: { type: 'string' } } },
  },
  {
    name: 'Read',
    description: 'Read a file',
    input_schema: { type: 'object', properties: { path: { type: 'string' } } },
  },
];

/** A fake clock shared by the engine and the mocks: the limiter's minute passes when the test says. */
let now = Date.UTC(2026, 11, 5, 12, 0, 0);
const clock = () => now;

let t: TestEngine;

beforeAll(async () => {
  t = await startTestEngine({
    clock,
    mocks: {
      ...mocksFor(['anthropic', 'gemini'], { now: clock }),
      // Eight requests a minute per key, said in Groq's headers: the limiter learns when a key is full.
      groq: {
        format: 'openai',
        dialect: 'groq',
        limits: { rpm: 8 },
        limitScope: 'key',
        keys: KEYS.filter((k) => k.provider === 'groq').map((k) => ({
          key: k.secret,
          label: k.id,
        })),
        cachedTokens: 40,
        now: clock,
      },
    },
    keys: KEYS,
    routes: [
      route('fast', ['groq/llama-3.1-8b-instant']),
      route('long', ['gemini/gemini-2.5-flash']),
      route('main', ['anthropic/claude-sonnet-4-5'], { aliases: ['claude-*'] }),
      route('mixed', [
        { provider: 'groq', model: 'llama-3.1-8b-instant', key: 'g1' },
        'gemini/gemini-2.5-flash',
      ]),
    ],
    rules: [
      { name: 'background', when: { model: 'claude-*haiku*' }, route: 'fast' },
      { name: 'long context', when: { minPromptTokens: 30_000 }, route: 'long' },
    ],
  });
});

afterAll(async () => {
  await t?.close();
});

function messages(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(`${t.engine.url}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': PROXY_KEY,
      'anthropic-version': '2023-06-01',
      'user-agent': CLAUDE_UA,
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

/** Gemini's native API, as Gemini CLI calls it: the model and the method in the path. */
function gemini(path: string, body: Record<string, unknown>) {
  return fetch(`${t.engine.url}/v1beta/models/${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-goog-api-key': PROXY_KEY,
      'user-agent': 'GeminiCLI/0.9.0 (linux; x64)',
    },
    body: JSON.stringify(body),
  });
}

function chat(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(`${t.engine.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${PROXY_KEY}`,
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

async function detail(res: Response): Promise<RequestDetail> {
  const id = res.headers.get('x-switchyard-request-id');
  expect(id).not.toBeNull();
  await res.arrayBuffer();
  const answer = await t.adminFetch(`/admin/requests/${encodeURIComponent(id ?? '')}`);
  expect(answer.status).toBe(200);
  return (await answer.json()) as RequestDetail;
}

const SESSION = 'user_2f1c_account_9a8b_session_5d4e3c2b-1a09-4f8e-b7d6-c5b4a3928170';

describe('a Claude Code session takes three routes by rules', () => {
  it('sends background calls, a long read and ordinary turns to the routes the rules name', async () => {
    const background = await messages({
      model: 'claude-haiku-4-5-20251001',
      max_tokens: 512,
      system: [
        { type: 'text', text: 'Summarize this coding conversation in under 50 characters.' },
      ],
      messages: [{ role: 'user', content: 'Please analyze this conversation and write a title' }],
      metadata: { user_id: SESSION },
    });
    expect(background.status).toBe(200);
    expect(background.headers.get('x-switchyard-route')).toBe('fast');

    const ordinary = await messages({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 32_000,
      stream: true,
      system: [{ type: 'text', text: 'You are Claude Code, an interactive CLI tool.' }],
      tools: TOOLS,
      messages: [{ role: 'user', content: 'list the files in src' }],
      metadata: { user_id: SESSION },
    });
    expect(ordinary.status).toBe(200);
    expect(ordinary.headers.get('x-switchyard-route')).toBe('main');

    const longRead = await messages({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 32_000,
      system: [{ type: 'text', text: 'You are Claude Code, an interactive CLI tool.' }],
      tools: TOOLS,
      messages: [
        {
          role: 'user',
          content: `read this file:\n${'const x = 1; // filler line\n'.repeat(5000)}`,
        },
      ],
      metadata: { user_id: SESSION },
    });
    expect(longRead.status).toBe(200);
    expect(longRead.headers.get('x-switchyard-route')).toBe('long');

    const logged = [await detail(background), await detail(ordinary), await detail(longRead)];
    expect(logged.map((d) => [d.request.route, d.request.rule, d.request.provider])).toEqual([
      ['fast', 'background', 'groq'],
      ['main', null, 'anthropic'],
      ['long', 'long context', 'gemini'],
    ]);
    const page = (await (await t.adminFetch('/admin/requests?limit=10')).json()) as RequestLogPage;
    expect(page.items.map((i) => i.rule ?? null)).toEqual(
      expect.arrayContaining(['background', 'long context', null]),
    );
  });

  it('counts a request’s tokens on the route its message would take', async () => {
    const res = await fetch(`${t.engine.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': PROXY_KEY,
        'user-agent': CLAUDE_UA,
      },
      body: JSON.stringify({
        model: 'claude-haiku-4-5',
        messages: [{ role: 'user', content: 'title please' }],
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-route')).toBe('fast');
    await res.arrayBuffer();
  });

  it('counts Gemini tokens on the route its generateContent would take, wrapped or not', async () => {
    const contents = [{ role: 'user', parts: [{ text: 'word '.repeat(40_000) }] }];
    for (const body of [{ contents }, { generateContentRequest: { contents } }]) {
      const res = await gemini('main:countTokens', body);
      expect(res.status).toBe(200);
      // About 40,000 tokens: the long-context rule, not the model name's route.
      expect(res.headers.get('x-switchyard-route')).toBe('long');
      await res.arrayBuffer();
    }
  });

  it('x-switchyard-route forces a route, and an unknown one is refused naming the routes', async () => {
    const forced = await messages(
      {
        model: 'claude-haiku-4-5',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'hi' }],
      },
      { 'x-switchyard-route': 'main' },
    );
    expect(forced.headers.get('x-switchyard-route')).toBe('main');
    expect((await detail(forced)).request.rule).toBe('x-switchyard-route');

    const unknown = await messages(
      { model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] },
      { 'x-switchyard-route': 'nope' },
    );
    expect(unknown.status).toBe(404);
    const { error } = (await unknown.json()) as { error: { message: string } };
    expect(error.message).toBe(
      'x-switchyard-route names no route "nope": send one of "fast", "long", "main", "mixed", or drop the header.',
    );
  });
});

describe('capability filtering', () => {
  it('an image never reaches a text-only model; the log says why it was skipped', async () => {
    const before = t.mocks.groq!.requests.length;
    const res = await chat({
      model: 'mixed',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is in this picture?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-provider')).toBe('gemini');
    expect(t.mocks.groq!.requests.length).toBe(before);
    const { attempts } = await detail(res);
    const skipped = attempts.filter((a) => a.outcome === 'skipped');
    expect(skipped.map((a) => [a.provider, a.keyId])).toEqual([['groq', 'g1']]);
    expect(skipped[0]?.reason).toContain(
      'the request holds an image and the model takes text only',
    );
  });

  it('a Gemini-native image never reaches a text-only model either', async () => {
    const before = t.mocks.groq!.requests.length;
    const res = await gemini('mixed:generateContent', {
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'what is in this picture?' },
            { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-provider')).toBe('gemini');
    expect(t.mocks.groq!.requests.length).toBe(before);
    const { attempts } = await detail(res);
    expect(attempts.filter((a) => a.outcome === 'skipped').map((a) => a.provider)).toEqual([
      'groq',
    ]);
  });

  it('a prompt above a model’s context window never reaches it; the log says why', async () => {
    const before = t.mocks.groq!.requests.length;
    // About 140,000 tokens: above llama-3.1-8b-instant's 131,072, inside Gemini's million.
    const res = await chat(
      { model: 'mixed', messages: [{ role: 'user', content: 'word '.repeat(112_000) }] },
      { 'x-switchyard-route': 'mixed' },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-provider')).toBe('gemini');
    expect(t.mocks.groq!.requests.length).toBe(before);
    const { attempts } = await detail(res);
    const skipped = attempts.filter((a) => a.outcome === 'skipped');
    expect(skipped[0]?.reason).toContain("larger than the model's context window of 131072 tokens");
  });
});

describe('the rule tester (POST /admin/rules/test)', () => {
  const test = async (body: Record<string, unknown>) => {
    const res = await t.adminFetch('/admin/rules/test', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as RuleTestResult;
  };

  it('says which rule a request matches and the plan, skips with their reason', async () => {
    // A new minute: the long prompts above have used up Gemini's tokens for the last one.
    now += 120_000;
    const haiku = await test({
      format: 'anthropic',
      body: {
        model: 'claude-haiku-4-5',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'title' }],
      },
    });
    expect([haiku.via, haiku.rule, haiku.route]).toEqual(['rule', 'background', 'fast']);
    expect(haiku.candidates.map((c) => c.keyId)).toEqual(expect.arrayContaining(['g1', 'g2']));

    const image = await test({
      forcedRoute: 'mixed',
      body: {
        model: 'x',
        messages: [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }],
          },
        ],
      },
    });
    expect(image.via).toBe('header');
    expect(image.candidates).toEqual([
      { provider: 'gemini', model: 'gemini-2.5-flash', keyId: 'gemini-free' },
    ]);
    expect(image.skipped.map((s) => [s.provider, s.reason])).toEqual([['groq', 'images']]);
  });

  it('tries a draft’s rules without saving them, and names an unknown model', async () => {
    const draft = await test({
      body: {
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'hi' }],
        tools: [{ type: 'function', function: { name: 'f' } }],
      },
      rules: [{ name: 'tools', when: { hasTools: true }, route: 'main' }],
    });
    expect([draft.rule, draft.route]).toEqual(['tools', 'main']);
    const unknown = await test({ body: { model: 'gpt-4o', messages: [] } });
    expect(unknown.route).toBeNull();
    expect(unknown.error).toContain('Unknown model "gpt-4o"');
  });
});

describe('session affinity', () => {
  it('keeps a 20-turn conversation on one key while it has capacity, and moves when it has not', async () => {
    t.mocks.groq!.resetLimits();
    now += 120_000;
    const session = 'user_affinity_account_1_session_0f0e0d0c-0b0a-4909-8807-060504030201';
    const history: Array<{ role: 'user' | 'assistant'; content: string }> = [];
    const served: string[] = [];
    const notes: Array<string | null | undefined> = [];
    const turn = async () => {
      history.push({ role: 'user', content: `turn ${served.length + 1}: run the tests` });
      const res = await messages({
        model: 'claude-haiku-4-5',
        max_tokens: 256,
        system: 'You are a background helper for a coding agent. '.repeat(20),
        messages: history,
        metadata: { user_id: session },
      });
      expect(res.status).toBe(200);
      const body = (await res.clone().json()) as {
        content: Array<{ text: string }>;
        usage: { cache_read_input_tokens?: number };
      };
      expect(body.usage.cache_read_input_tokens).toBe(40);
      history.push({ role: 'assistant', content: body.content[0]?.text ?? '' });
      const { request } = await detail(res);
      served.push(request.keyId ?? '?');
      notes.push(request.affinity);
    };

    // g1 comes first in the pool and takes 8 a minute: turns 1–8, then the conversation moves.
    for (let i = 0; i < 9; i++) await turn();
    expect(served).toEqual(['g1', 'g1', 'g1', 'g1', 'g1', 'g1', 'g1', 'g1', 'g2']);
    expect(notes[1]).toBe('kept on groq key "g1" (llama-3.1-8b-instant): same session');
    expect(notes[8]).toContain('moved off groq key "g1"');
    expect(notes[7]).toBe('kept on groq key "g1" (llama-3.1-8b-instant): same session');

    // A new minute: g1 is ready again, and a fresh conversation goes there…
    now += 61_000;
    const fresh = await messages({
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'write a title' }],
      metadata: { user_id: 'user_other_account_2_session_other' },
    });
    expect((await detail(fresh)).request.keyId).toBe('g1');
    // …while this one stays on g2, whose cache is warm, until g2 is full (8 this minute too).
    for (let i = 0; i < 11; i++) await turn();
    expect(served.slice(9)).toEqual([...Array<string>(8).fill('g2'), 'g1', 'g1', 'g1']);
    expect(notes[9]).toBe('kept on groq key "g2" (llama-3.1-8b-instant): same session');
    expect(notes[17]).toBe(
      'moved off groq key "g2" (llama-3.1-8b-instant) to groq key "g1" (llama-3.1-8b-instant): it could not serve this turn',
    );
    expect(served).toHaveLength(20);
  });
});
