import { randomBytes } from 'node:crypto';
import type OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Config } from '../../app/config/schema.ts';
import type { LimiterView } from '../../app/limiter/view.ts';
import type { ModelWatchEntry } from '../../app/models/watch.ts';
import {
  closeAll,
  addKeysAndRoutes,
  ensureDashboardBuilt,
  openDashboard,
  screenshot,
  startWorld,
  type Browser,
  type E2eWorld,
} from './harness.ts';

// Typed secrets (keychain: run inside test/withSecretService.sh), so each key is confirmed for
// the mock's address it was added with, as a person adding it on the dashboard would.
const SECRETS = {
  groq: `gsk_watch${randomBytes(12).toString('hex')}`,
  openai: `sk-watch${randomBytes(12).toString('hex')}`,
};
// One discovery cycle is a second here, against hours in use.
process.env.SWITCHYARD_DISCOVERY_INTERVAL_MS = '1000';

let world: E2eWorld;
let browser: Browser;
let page: Page;
let client: OpenAI;

async function open(hash: string): Promise<void> {
  await page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
}

async function watchList(): Promise<ModelWatchEntry[]> {
  const res = await world.admin('/admin/models/watch');
  expect(res.status).toBe(200);
  return ((await res.json()) as { modelWatch: ModelWatchEntry[] }).modelWatch;
}

beforeAll(async () => {
  await ensureDashboardBuilt();
  world = await startWorld({
    groq: {
      format: 'openai',
      dialect: 'groq',
      models: ['llama-3.1-8b-instant', 'qwen-2.5-32b'],
      limits: { rpm: 100, rpd: 1000, tpm: 60_000 },
    },
    openai: { format: 'openai', dialect: 'openai', models: ['gpt-4o-mini'] },
  });
  await addKeysAndRoutes(
    world,
    Object.entries(SECRETS).map(([provider, secret]) => ({
      provider,
      label: `${provider} main`,
      secret,
    })),
    [
      {
        name: 'coder',
        targets: [
          { provider: 'groq', model: 'qwen-2.5-32b' },
          { provider: 'openai', model: 'gpt-4o-mini' },
        ],
      },
      { name: 'steady', targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }] },
    ],
  );
  browser = await openDashboard(world);
  page = browser.page;
  client = world.proxyClient();
});

afterAll(() => closeAll(browser, world));

describe('the model watch and the forecast in the dashboard', () => {
  it('flags a model the provider stops listing within one discovery cycle, on the route, with a one-click replace', async () => {
    await vi.waitFor(
      async () => expect((await watchList()).find((e) => e.route === 'coder')?.state).toBe('ok'),
      { timeout: 10_000, interval: 200 },
    );
    // The page must be on the event stream before the list changes: what it missed before its
    // first connection is what it loaded at start.
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    world.mocks.groq?.setBehavior({ models: ['llama-3.1-8b-instant', 'qwen-3-32b'] });
    await vi.waitFor(
      async () =>
        expect((await watchList()).find((e) => e.route === 'coder')).toMatchObject({
          provider: 'groq',
          model: 'qwen-2.5-32b',
          state: 'missing',
          suggestion: 'qwen-3-32b',
        }),
      { timeout: 10_000, interval: 200 },
    );
    // The route still answers, through its next target.
    const answer = await client.chat.completions
      .create({ model: 'coder', messages: [{ role: 'user', content: 'still there?' }] })
      .withResponse();
    expect(answer.data.choices[0]?.message.content).toContain('still there?');
    expect(answer.response.headers.get('x-switchyard-provider')).toBe('openai');

    await open('#/routes');
    const banner = page.getByTestId('model-watch-banner');
    await banner.getByText('groq/qwen-2.5-32b').waitFor();
    await banner.getByText(/is gone/).waitFor();
    await screenshot(page, 'model-watch-banner');
    await banner.getByRole('button', { name: 'Replace with qwen-3-32b' }).click();
    await banner.waitFor({ state: 'detached' });
    const config = (await (await world.admin('/admin/config')).json()) as Config;
    expect(config.routes.find((r) => r.name === 'coder')?.targets[0]).toEqual({
      provider: 'groq',
      model: 'qwen-3-32b',
    });
  });

  it('draws when a daily quota runs out at the current pace on the Overview gauges', async () => {
    for (let i = 0; i < 8; i++) {
      await client.chat.completions.create({
        model: 'steady',
        messages: [{ role: 'user', content: `request ${i}` }],
      });
      await new Promise((r) => setTimeout(r, 150));
    }
    const quota = (await (await world.admin('/admin/quota')).json()) as LimiterView;
    const rpd = quota.pools
      .find((p) => p.provider === 'groq' && p.model === 'llama-3.1-8b-instant')
      ?.windows.find((w) => w.window === 'rpd');
    expect(rpd?.runsOutAt).toBeGreaterThan(quota.at);
    expect(rpd?.runsOutAt).toBeLessThan(rpd?.resetAt ?? 0);
    await open('#/overview');
    await page.getByTestId('runs-out').first().waitFor();
    expect(await page.getByTestId('runs-out').first().textContent()).toMatch(/runs out at ~\d/);
    await screenshot(page, 'overview-forecast');
  });
});
