/**
 * The Routes page's rules editor, driven in Chromium against `switchyard serve`: add two rules,
 * see a condition's error inline, reorder them by keyboard and by mouse, test a request through
 * the engine's own rule resolver and planner, save, and screenshot it in light and dark.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../app/config/schema.ts';
import {
  closeAll,
  dragTo,
  addKeysAndRoutes,
  ensureDashboardBuilt,
  openDashboard,
  screenshot,
  startWorld,
  type Browser,
  type E2eWorld,
} from './harness.ts';

const GROQ_SECRET = `gsk_e2e${randomBytes(16).toString('hex')}`;
const GEMINI_SECRET = `AIza-e2e${randomBytes(16).toString('hex')}`;

let world: E2eWorld;
let browser: Browser;
let page: Page;

async function nextFrames(): Promise<void> {
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
}

async function ruleOrder(): Promise<string[]> {
  return page
    .getByTestId('rule-item')
    .evaluateAll((items) => items.map((i) => i.getAttribute('data-rule') ?? ''));
}

async function center(name: string): Promise<{ x: number; y: number }> {
  const box = await page.getByRole('button', { name }).boundingBox();
  if (box === null) throw new Error(`no box for ${name}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

beforeAll(async () => {
  await ensureDashboardBuilt();
  world = await startWorld({
    groq: { format: 'openai', dialect: 'groq', keys: [{ key: GROQ_SECRET, label: 'groq' }] },
    gemini: { format: 'gemini', keys: [{ key: GEMINI_SECRET, label: 'gemini' }] },
  });
  await addKeysAndRoutes(
    world,
    [
      { provider: 'groq', label: 'groq', secret: GROQ_SECRET },
      { provider: 'gemini', label: 'gemini', secret: GEMINI_SECRET },
    ],
    [
      { name: 'fast', targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }] },
      { name: 'long', targets: [{ provider: 'gemini', model: 'gemini-2.5-flash' }] },
    ],
  );
  browser = await openDashboard(world);
  page = browser.page;
  await page.evaluate(`window.location.hash = "#/routes"`);
});

afterAll(() => closeAll(browser, world));

describe('the rules editor', () => {
  it('adds two rules, each condition a field with its error inline', async () => {
    await page.getByRole('heading', { name: 'Rules' }).waitFor();
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('button', { name: 'Add rule' }).click();
    const [first, second] = [0, 1].map((i) => page.getByTestId('rule-item').nth(i));
    if (first === undefined || second === undefined) throw new Error('rules not drawn');
    await first.getByLabel('Rule name').fill('background');
    await first.getByLabel('Route', { exact: true }).selectOption('fast');
    await first.getByLabel('Model name (glob)').fill('claude-*haiku*');
    await second.getByLabel('Rule name').fill('long context');
    await second.getByLabel('Route', { exact: true }).selectOption('long');
    await second.getByLabel('Prompt at least (tokens)').fill('30000');
    // Bounds that cannot both hold: the schema's own message, beside the field.
    const most = second.getByLabel('Prompt at most (tokens)');
    await most.fill('100');
    expect(await most.getAttribute('aria-invalid')).toBe('true');
    await second
      .getByText('maxPromptTokens (100) is below minPromptTokens (30000): no request could match')
      .waitFor();
    await page.getByText('1 rule to fix before saving').waitFor();
    expect(await page.getByRole('button', { name: 'Save rules' }).isDisabled()).toBe(true);
    await most.fill('');
    expect(await most.getAttribute('aria-invalid')).toBe('false');
    expect(await ruleOrder()).toEqual(['background', 'long context']);
  });

  it('reorders rules with the keyboard, announced', async () => {
    const handle = page.getByRole('button', { name: 'Move rule long context, position 2 of 2' });
    await handle.focus();
    await page.keyboard.press('Space');
    await page.getByText('Picked up rule long context at position 2 of 2.').waitFor();
    await nextFrames();
    await page.keyboard.press('ArrowUp');
    await page.getByText('rule long context is over position 1 of 2.').waitFor();
    await page.keyboard.press('Space');
    await page.getByText('Dropped rule long context at position 1 of 2.').waitFor();
    expect(await ruleOrder()).toEqual(['long context', 'background']);
  });

  it('reorders rules with the mouse', async () => {
    // Both handles on screen: a pointer cannot press what the viewport does not show.
    await page.evaluate(
      `document.querySelector('[data-testid="rule-item"]').scrollIntoView({ block: 'start' })`,
    );
    const from = await center('Move rule background, position 2 of 2');
    const to = await center('Move rule long context, position 1 of 2');
    await dragTo(page, from, { x: to.x, y: to.y - 20 });
    await expect.poll(ruleOrder).toEqual(['background', 'long context']);
  });

  it('tests a request through the engine: the rule, the route and the plan', async () => {
    const tester = page.getByRole('region', { name: 'Rule tester' });
    const body = tester.getByLabel('Request body (JSON)');
    const typed = JSON.stringify({
      model: 'claude-haiku-4-5',
      max_tokens: 512,
      messages: [{ role: 'user', content: 'Write a title for this conversation' }],
    });
    await body.fill(typed);
    expect(await body.inputValue()).toBe(typed);
    await tester.getByRole('button', { name: 'Test request' }).click();
    const result = page.getByTestId('rule-test-result');
    // Polled on the whole tester, so a failure prints what it shows instead (an error, another rule).
    const verdict = 'Rule "background" sends it to route "fast".';
    const shown = await expect
      .poll(() => tester.textContent(), { timeout: 15_000 })
      .toContain(verdict)
      .then(
        () => verdict,
        async () => `the tester shows: ${await tester.textContent()}`,
      );
    expect(shown).toBe(verdict);
    expect(await result.getByTestId('rule-test-row').first().textContent()).toContain(
      'groq · llama-3.1-8b-instant',
    );
  });

  it('saves the rules into the config', async () => {
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByText('Rules saved', { exact: true }).waitFor();
    const config = (await (await world.admin('/admin/config')).json()) as Config;
    expect(config.rules.map((r) => [r.name, r.route, r.when])).toEqual([
      ['background', 'fast', { model: 'claude-*haiku*' }],
      ['long context', 'long', { minPromptTokens: 30000 }],
    ]);
  });

  it('is drawn in light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const dismiss = page.getByRole('button', { name: 'Dismiss' });
      while ((await dismiss.count()) > 0) await dismiss.first().click();
      await page.getByRole('heading', { name: 'Rules' }).scrollIntoViewIfNeeded();
      await nextFrames();
      await screenshot(page, `rules-${scheme}`);
    }
    const html = await page.content();
    expect(html).not.toContain(GROQ_SECRET);
    expect(html).not.toContain(GEMINI_SECRET);
  });
});
