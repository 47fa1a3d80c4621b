import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelWatchEntry } from '../../app/models/watch.ts';
import { runStatus } from '../../main/cli/stateCommands.ts';
import { startTestEngine, type TestEngine } from './harness.ts';
import { keysFor } from './testConfig.ts';

const KEYS = keysFor('watch', [
  ['openai-main', 'openai'],
  ['anthropic-main', 'anthropic'],
]);
const ROUTES = [
  {
    name: 'chain',
    targets: [
      { provider: 'openai', model: 'gpt-4o-mini' },
      { provider: 'anthropic', model: 'claude-haiku-4-5' },
    ],
  },
];

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** The model watch as `switchyard status --json` reports it for the engine's data folder. */
async function statusWatch(engine: TestEngine): Promise<ModelWatchEntry[]> {
  const { dataDir } = engine.engine;
  const text = await runStatus({ command: 'status', dataDir, json: true, watch: false }, dataDir);
  return (JSON.parse(text) as { modelWatch: ModelWatchEntry[] }).modelWatch;
}

async function watchList(engine: TestEngine): Promise<ModelWatchEntry[]> {
  const res = await engine.adminFetch('/admin/models/watch');
  expect(res.status).toBe(200);
  return ((await res.json()) as { modelWatch: ModelWatchEntry[] }).modelWatch;
}

describe('the model watch', () => {
  it('flags a model its provider stops listing within one discovery cycle; the route answers through its next target', async () => {
    t = await startTestEngine({
      mocks: {
        openai: { format: 'openai', models: ['gpt-4o-mini', 'gpt-4.1-mini'] },
        anthropic: { format: 'anthropic' },
      },
      keys: KEYS,
      routes: ROUTES,
      discoveryIntervalMs: 100,
    });
    const engine = t;
    await vi.waitFor(
      async () => {
        const openai = (await watchList(engine)).find((e) => e.provider === 'openai');
        expect(openai?.state).toBe('ok');
      },
      { timeout: 5000, interval: 50 },
    );

    engine.mocks.openai?.setBehavior({ models: ['gpt-4.1-mini', 'gpt-5-mini'] });
    await vi.waitFor(
      async () => {
        const openai = (await watchList(engine)).find((e) => e.provider === 'openai');
        expect(openai).toMatchObject({
          route: 'chain',
          model: 'gpt-4o-mini',
          state: 'missing',
          suggestion: 'gpt-5-mini',
        });
        expect(typeof openai?.since).toBe('number');
      },
      { timeout: 5000, interval: 50 },
    );

    const client = engine.openai();
    const answer = await client.chat.completions.create({
      model: 'chain',
      messages: [{ role: 'user', content: 'still there?' }],
    });
    expect(answer.choices[0]?.message.content).toContain('still there?');

    expect((await statusWatch(engine)).find((e) => e.provider === 'openai')?.state).toBe('missing');
    const text = await runStatus(
      { command: 'status', dataDir: engine.engine.dataDir, json: false, watch: false },
      engine.engine.dataDir,
    );
    expect(text).toContain('chain: openai/gpt-4o-mini is missing; try gpt-5-mini');
  });

  it('flags a target whose answers carry a Deprecation header', async () => {
    t = await startTestEngine({
      mocks: {
        openai: { format: 'openai', models: ['gpt-4o-mini'] },
        anthropic: {
          format: 'anthropic',
          models: ['claude-haiku-4-5'],
          responseHeaders: { deprecation: '@1767225600', sunset: 'Fri, 01 Jan 2027 00:00:00 GMT' },
        },
      },
      keys: KEYS,
      routes: [{ name: 'claude', targets: [ROUTES[0]!.targets[1]!, ROUTES[0]!.targets[0]!] }],
    });
    const client = t.openai();
    const answer = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(answer.choices[0]?.message.content).toContain('hello');
    const anthropic = (await watchList(t)).find((e) => e.provider === 'anthropic');
    expect(anthropic).toMatchObject({
      route: 'claude',
      model: 'claude-haiku-4-5',
      state: 'deprecated',
    });
    expect(anthropic?.reason).toContain('Deprecation header');
    expect((await statusWatch(t)).find((e) => e.provider === 'anthropic')?.state).toBe(
      'deprecated',
    );
  });

  it('replaces a flagged model with its suggestion when the user opted in, and says so in the log', async () => {
    t = await startTestEngine({
      mocks: {
        openai: { format: 'openai', models: ['gpt-4o-mini', 'gpt-4.1-mini'] },
        anthropic: { format: 'anthropic', models: ['claude-haiku-4-5'] },
      },
      keys: KEYS,
      routes: ROUTES,
      settings: { autoReplaceModels: true },
      discoveryIntervalMs: 100,
    });
    const engine = t;
    engine.mocks.openai?.setBehavior({ models: ['gpt-4.1-mini', 'gpt-5-mini'] });
    await vi.waitFor(
      () =>
        expect(engine.engine.config.current.routes[0]?.targets[0]).toEqual({
          provider: 'openai',
          model: 'gpt-5-mini',
        }),
      { timeout: 5000, interval: 50 },
    );
    expect(engine.logs.join('\n')).toContain(
      'models: replaced openai/gpt-4o-mini with openai/gpt-5-mini on route "chain" (settings.autoReplaceModels is on)',
    );
    await vi.waitFor(
      async () => expect((await watchList(engine)).every((e) => e.state === 'ok')).toBe(true),
      { timeout: 5000, interval: 50 },
    );
  });
});
