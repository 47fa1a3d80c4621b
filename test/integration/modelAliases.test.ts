import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './harness.ts';
import { keysFor, mocksFor } from './testConfig.ts';

const KEYS = keysFor('alias', [
  ['openai-main', 'openai'],
  ['groq-main', 'groq'],
]);
const ROUTES = [
  { name: 'big', aliases: ['claude-opus-*'], targets: [{ provider: 'openai', model: 'gpt-4o' }] },
  {
    name: 'small',
    aliases: ['claude-*-haiku-*', 'claude-haiku-*'],
    targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }],
  },
];

let withDefault: TestEngine;
let withoutDefault: TestEngine;
const ask = (t: TestEngine, model: string) =>
  t
    .anthropic()
    .messages.create({ model, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });

beforeAll(async () => {
  withDefault = await startTestEngine({
    mocks: mocksFor(['openai', 'groq']),
    keys: KEYS,
    routes: ROUTES,
    settings: { defaultRoute: 'small' },
  });
  withoutDefault = await startTestEngine({
    mocks: mocksFor(['openai', 'groq']),
    keys: KEYS,
    routes: ROUTES,
  });
});

afterAll(async () => {
  await withDefault?.close();
  await withoutDefault?.close();
});

/** The upstream model of the last request each mock of `t` saw. */
function lastUpstream(t: TestEngine): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(t.mocks).map(([id, mock]) => [id, mock.requests.at(-1)?.model]),
  );
}

describe('model names the client chose', () => {
  it('a Claude Code model name lands on the route whose alias matches it', async () => {
    const before = withDefault.mocks.openai?.requests.length ?? 0;
    const answer = await ask(withDefault, 'claude-opus-4-8');
    expect(answer.content[0]).toMatchObject({ type: 'text', text: 'echo: hi' });
    expect(withDefault.mocks.openai?.requests.length).toBe(before + 1);
    expect(lastUpstream(withDefault).openai).toBe('gpt-4o');
  });

  it('a dated name no alias claims lands on settings.defaultRoute', async () => {
    const before = withDefault.mocks.groq?.requests.length ?? 0;
    await ask(withDefault, 'claude-sonnet-4-5-20250929');
    expect(withDefault.mocks.groq?.requests.length).toBe(before + 1);
    expect(lastUpstream(withDefault).groq).toBe('llama-3.1-8b-instant');
  });

  it('the [1m] suffix is not part of the name that is matched, and the answer says so', async () => {
    const before = withDefault.mocks.openai?.requests.length ?? 0;
    const { response } = await withDefault
      .anthropic()
      .messages.create({
        model: 'claude-opus-4-8[1m]',
        max_tokens: 20,
        messages: [{ role: 'user', content: 'hi' }],
      })
      .withResponse();
    expect(withDefault.mocks.openai?.requests.length).toBe(before + 1);
    expect(response.headers.get('x-switchyard-route')).toBe('big');
    expect(response.headers.get('x-switchyard-note')).toMatch(
      /"claude-opus-4-8\[1m\]" was matched as "claude-opus-4-8"/,
    );
    // A name taken as sent carries no note.
    const plain = await withDefault
      .anthropic()
      .messages.create({
        model: 'claude-opus-4-8',
        max_tokens: 20,
        messages: [{ role: 'user', content: 'hi' }],
      })
      .withResponse();
    expect(plain.response.headers.get('x-switchyard-note')).toBeNull();
  });

  it('without a default route, an unknown name is a 404 naming the routes and the fix', async () => {
    await expect(ask(withoutDefault, 'claude-sonnet-4-5-20250929')).rejects.toMatchObject({
      status: 404,
      error: {
        error: {
          type: 'not_found_error',
          message: expect.stringMatching(
            /Unknown model "claude-sonnet-4-5-20250929".*"big", "small".*"aliases".*settings\.defaultRoute/,
          ),
        },
      },
    });
    // The aliases still route without a default.
    await expect(ask(withoutDefault, 'claude-3-5-haiku-20241022')).resolves.toMatchObject({
      type: 'message',
    });
  });
});
