import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../app/config/schema.ts';
import {
  closeAll,
  dragTo,
  ensureDashboardBuilt,
  openDashboard,
  screenshot,
  startWorld,
  type Browser,
  type E2eWorld,
} from './harness.ts';

// Secrets made up for this run; the test fails if either shows up where it must not.
const GROQ_SECRET = `gsk_e2e${randomBytes(16).toString('hex')}`;
const OPENAI_SECRET = `sk-e2e${randomBytes(16).toString('hex')}`;

const PAGES = ['overview', 'latency', 'routes', 'providers', 'requests', 'connect'] as const;

let world: E2eWorld;
let browser: Browser;
let page: Page;
let client: OpenAI;
let failoverRequestId = '';

async function open(hash: string): Promise<void> {
  // A string, evaluated in the page: this file is type-checked without the DOM's types.
  await page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
}

async function nextFrames(): Promise<void> {
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
}

async function routesInConfig(): Promise<Config['routes']> {
  const res = await world.admin('/admin/config');
  expect(res.status).toBe(200);
  return ((await res.json()) as Config).routes;
}

async function chainOrder(): Promise<string[]> {
  return page
    .getByTestId('chain-item')
    .evaluateAll((items) => items.map((i) => i.getAttribute('data-target') ?? ''));
}

async function addKey(providerName: string, label: string, tier: 'free' | 'paid', secret: string) {
  const form = page.getByRole('form', { name: 'Add a key' }).first();
  await form.getByLabel('Provider').selectOption({ label: providerName });
  await form.getByLabel('Label').fill(label);
  await form.getByLabel('Tier').selectOption(tier);
  await form.getByLabel('API key').fill(secret);
  await form.getByRole('button', { name: 'Save key' }).click();
  await page.getByText(`Key "${label}" saved in the keychain.`).waitFor();
  // The field forgets the secret at once, and the page shows only its last four characters.
  expect(await form.getByLabel('API key').inputValue()).toBe('');
  await page.getByText(`••••${secret.slice(-4)}`).waitFor();
}

beforeAll(async () => {
  await ensureDashboardBuilt();
  world = await startWorld({
    // Groq's free tier: its headers report requests per day; the mock also enforces 3 a minute,
    // so the fourth request in a minute is refused with a 429 and the chain moves on.
    groq: {
      format: 'openai',
      dialect: 'groq',
      keys: [{ key: GROQ_SECRET, label: 'groq' }],
      limits: { rpm: 3, rpd: 1000, tpm: 6000 },
      latencyMs: [40, 90],
    },
    openai: {
      format: 'openai',
      dialect: 'openai',
      keys: [{ key: OPENAI_SECRET, label: 'openai' }],
      limits: { rpm: 500, tpm: 200_000 },
      latencyMs: [120, 220],
      tokensPerSecond: 250,
    },
  });
  browser = await openDashboard(world);
  page = browser.page;
  client = world.proxyClient();
});

afterAll(() => closeAll(browser, world));

describe('the dashboard against switchyard serve', () => {
  it('moves the link’s #token into the tab, off the address, with no cookie, and starts with what to do first', async () => {
    expect(page.url()).not.toContain('token');
    expect(await browser.context.cookies()).toEqual([]);
    expect(await page.evaluate('sessionStorage.getItem("switchyard.adminToken")')).toBeTruthy();
    await page.getByRole('heading', { name: 'Add your first provider key' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  });

  it('adds keys through the UI, into the keychain, never showing a secret again', async () => {
    await open('#/providers');
    await page.getByRole('heading', { level: 1, name: 'Providers & keys' }).waitFor();
    await page.getByText('Keychain (Secret Service): ready').waitFor();
    await addKey('Groq', 'groq free', 'free', GROQ_SECRET);
    await addKey('OpenAI', 'openai paid', 'paid', OPENAI_SECRET);
    const html = await page.content();
    expect(html).not.toContain(GROQ_SECRET);
    expect(html).not.toContain(OPENAI_SECRET);
    const keys = (await (await world.admin('/admin/keys')).json()) as Array<{
      provider: string;
      source: string;
    }>;
    expect(keys.map((k) => `${k.provider}:${k.source}`).sort()).toEqual([
      'groq:keychain',
      'openai:keychain',
    ]);
  });

  it('builds a chain by dragging models from the palette, and saves it', async () => {
    await open('#/routes');
    await page.getByRole('button', { name: 'Draw your first route' }).click();
    await page.getByText('a route needs at least one target').first().waitFor();
    const chain = page.getByTestId('chain');

    const groq = await page.getByTestId('palette-groq-llama-3.1-8b-instant').boundingBox();
    let box = await chain.boundingBox();
    if (!groq || !box) throw new Error('palette or chain not laid out');
    await dragTo(
      page,
      { x: groq.x + 20, y: groq.y + groq.height / 2 },
      { x: box.x + box.width / 2, y: box.y + box.height / 2 },
    );
    await expect.poll(chainOrder).toEqual(['groq/llama-3.1-8b-instant']);

    const openai = await page.getByTestId('palette-openai-gpt-4o-mini').boundingBox();
    box = await chain.boundingBox();
    if (!openai || !box) throw new Error('palette or chain not laid out');
    // Onto the lower part of the chain, below the first target.
    await dragTo(
      page,
      { x: openai.x + 20, y: openai.y + openai.height / 2 },
      { x: box.x + box.width / 2, y: box.y + box.height - 12 },
    );
    await expect.poll(chainOrder).toEqual(['groq/llama-3.1-8b-instant', 'openai/gpt-4o-mini']);

    await page.getByLabel('Paid budget (USD per day)').fill('0.5');
    await page.getByRole('button', { name: 'Save routes' }).click();
    await page.getByText('All changes saved').waitFor();
    expect(await routesInConfig()).toEqual([
      {
        name: 'fast',
        targets: [
          { provider: 'groq', model: 'llama-3.1-8b-instant' },
          { provider: 'openai', model: 'gpt-4o-mini' },
        ],
        onLimit: { mode: 'spill' },
        privacy: 'standard',
        paidBudgetUsdPerDay: 0.5,
      },
    ]);
    // The preview runs the engine's planner on the saved chain: Groq serves, OpenAI is next.
    const plan = page.getByRole('list', { name: 'Plan preview' });
    await plan.getByText('serves now').waitFor();
    expect(await plan.getByTestId('plan-row').first().getAttribute('data-kind')).toBe('serves');
  });

  it('sends requests with the openai SDK: a gauge falls live and a failover shows in the log', async () => {
    const ask = () =>
      client.chat.completions.create({
        model: 'fast',
        messages: [{ role: 'user', content: 'hello' }],
      });
    await open('#/overview');
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();

    const first = await ask();
    expect(first.choices[0]?.message.content).toBe('echo: hello');
    const gauge = page.getByRole('region', { name: /^groq · groq free, llama-3.1-8b-instant/ });
    const perDay = gauge.getByRole('meter', { name: 'Requests/day' });
    await expect
      .poll(async () => perDay.getAttribute('aria-valuenow'), { timeout: 10_000 })
      .toBe('999');

    await ask();
    // The event stream carries the new figure to the page without a reload.
    await expect
      .poll(async () => perDay.getAttribute('aria-valuenow'), { timeout: 10_000 })
      .toBe('998');
    await ask();

    // Groq allows three a minute: the fourth gets its 429, and OpenAI answers instead.
    const { data, response } = await client.chat.completions
      .create({ model: 'fast', messages: [{ role: 'user', content: 'one more' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: one more');
    expect(world.mocks.groq?.requests.at(-1)?.status).toBe(429);
    expect(world.mocks.openai?.requests.at(-1)?.status).toBe(200);
    failoverRequestId = response.headers.get('x-switchyard-request-id') ?? '';
    expect(failoverRequestId).not.toBe('');

    await expect
      .poll(async () => gauge.getByTestId('gauge-status').textContent(), { timeout: 10_000 })
      .toMatch(/^Cooling/);
    await page
      .getByText('Failovers, last 15 min')
      .locator('..')
      .getByText('1', { exact: true })
      .waitFor();

    await open('#/requests');
    const row = page.getByRole('row').filter({ hasText: 'failover' });
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    await row.getByRole('link').click();
    const sentences = page.getByTestId('attempt-sentence');
    await expect
      .poll(() => sentences.allTextContents())
      .toEqual([
        expect.stringMatching(/^429 after [\d.]+ m?s, cooled until .+: Rate-limited by groq/),
        expect.stringMatching(/^at \+[\d.]+ m?s: answered in [\d.]+ m?s/),
      ]);
    expect(new URL(page.url()).hash).toBe(`#/requests/${failoverRequestId}`);
  });

  it('reorders the chain with the keyboard, announced, and saves it', async () => {
    await open('#/routes');
    const handle = page.getByRole('button', { name: 'Move OpenAI · gpt-4o-mini, position 2 of 2' });
    await handle.focus();
    await page.keyboard.press('Space');
    await page.getByText(/^Picked up OpenAI · gpt-4o-mini at position 2 of 2\./).waitFor();
    // dnd-kit measures the drop targets in the frames after a pick-up, as a person's next key
    // press would give it time to; a test types faster than that.
    await nextFrames();
    await page.keyboard.press('ArrowUp');
    await page.getByText('OpenAI · gpt-4o-mini is over position 1 of 2.').waitFor();
    await page.keyboard.press('Space');
    await page.getByText('Dropped OpenAI · gpt-4o-mini at position 1 of 2.').waitFor();
    expect(await chainOrder()).toEqual(['openai/gpt-4o-mini', 'groq/llama-3.1-8b-instant']);
    await page.getByRole('button', { name: 'Save routes' }).click();
    await page.getByText('All changes saved').waitFor();
    expect((await routesInConfig())[0]?.targets.map((t) => t.provider)).toEqual(['openai', 'groq']);
  });

  it('streams answers through the reordered chain', async () => {
    const prompt = 'stream a few words so the speed chart has something to draw';
    for (let i = 0; i < 3; i++) {
      const stream = await client.chat.completions.create({
        model: 'fast',
        stream: true,
        messages: [{ role: 'user', content: prompt }],
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe(`echo: ${prompt}`);
    }
    expect(world.mocks.openai?.requests.at(-1)?.stream).toBe(true);
  });

  it('sends a test request through a chosen route from Connect', async () => {
    await open('#/connect');
    await page.getByRole('button', { name: 'Send test request' }).click();
    const result = page.getByTestId('test-result');
    await result.waitFor();
    expect(await result.textContent()).toMatch(/Answered in .* by openai/);
  });

  it('keeps the secrets out of the data folder', async () => {
    for (const entry of await readdir(world.dataDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      // The engine runs on: a quota journal segment folded into the snapshot since the listing
      // is gone, and held nothing then that its snapshot does not.
      const bytes = await readFile(join(entry.parentPath, entry.name)).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      });
      if (bytes === undefined) continue;
      expect(bytes.includes(GROQ_SECRET), entry.name).toBe(false);
      expect(bytes.includes(OPENAI_SECRET), entry.name).toBe(false);
    }
  });

  it('shows every page with data, in light and dark', async () => {
    const drawn = new Set<string>();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const name of PAGES) {
        await open(name === 'requests' ? `#/requests/${failoverRequestId}` : `#/${name}`);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        if (name === 'latency') {
          // The requests of this run fit in one minute: the finest range shows them as points.
          await page.getByRole('button', { name: '15 min' }).click();
          await page
            .locator('.recharts-line-dot, .recharts-line-curve')
            .filter({ visible: true })
            .first()
            .waitFor();
        }
        if (name === 'overview') await page.getByRole('meter').first().waitFor();
        if (name === 'requests') await page.getByTestId('attempt-sentence').first().waitFor();
        if (name === 'routes') await page.getByTestId('plan-row').first().waitFor();
        if (name === 'connect') {
          await page.getByRole('button', { name: 'Send test request' }).click();
          await page.getByTestId('test-result').waitFor();
        }
        // One at a time: dismissing a toast renumbers the rest, so a list taken first goes stale.
        const dismiss = page.getByRole('button', { name: 'Dismiss' });
        while ((await dismiss.count()) > 0) await dismiss.first().click();
        await page.evaluate('window.scrollTo(0, 0)');
        const heading = await page.getByRole('heading', { level: 1 }).first().textContent();
        const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
        drawn.add(`${String(heading)} on ${String(background)}`);
        await screenshot(page, `${name}-${scheme}`);
      }
    }
    // Each page in each scheme drew its own heading on its scheme's background: a navigation
    // that did not happen, or a colour scheme that did not apply, would repeat one.
    expect(drawn.size).toBe(PAGES.length * 2);
    const html = await page.content();
    expect(html).not.toContain(GROQ_SECRET);
    expect(html).not.toContain(OPENAI_SECRET);
  });
});
