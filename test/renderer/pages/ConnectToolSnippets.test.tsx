import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import ts from 'typescript';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useStore } from '../../../renderer/src/store/index.ts';
import { fakeAdmin, stubBrowser } from '../fakeAdmin.ts';
import { PROXY_KEY, route, SETTINGS } from '../fixtures.ts';
import { showConnectPage } from './showConnectPage.tsx';

const KEY = PROXY_KEY.proxyKey;

function show() {
  showConnectPage({ routes: [route('main')] });
}

/** The snippet as copied (the real key), read back through user-event's clipboard. */
async function copied(title: string): Promise<string> {
  const card = screen.getByRole('region', { name: title });
  await userEvent.setup().click(within(card).getByRole('button', { name: /Copy/ }));
  return navigator.clipboard.readText();
}

/** TypeScript's own parser: the snippet is a module it reads without a syntax error. */
function syntaxErrors(text: string): string[] {
  const out = ts.transpileModule(text, {
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

beforeEach(() => {
  stubBrowser();
  fakeAdmin();
});
afterEach(() => vi.unstubAllGlobals());

describe('ConnectPage: Gemini CLI and the SDKs', () => {
  it('Gemini CLI: the base URL without /v1, the proxy key as GEMINI_API_KEY, the route as -m', async () => {
    show();
    const text = await copied('Gemini CLI');
    const lines = text.split('\n');
    expect(lines.slice(1)).toEqual([
      'export GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:4141',
      `export GEMINI_API_KEY=${KEY}`,
      'gemini -m main',
    ]);
    const settings = lines[0]!.replace(/^# ~\/\.gemini\/settings\.json: /, '');
    expect(JSON.parse(settings)).toEqual({
      security: { auth: { selectedType: 'gemini-api-key' } },
    });
    const shown = screen.getByRole('region', { name: 'Gemini CLI' }).querySelector('pre');
    expect(shown?.textContent).not.toContain(KEY);
  });

  it.each([
    [
      'AI SDK (TypeScript)',
      ['createOpenAI', 'createAnthropic', "baseURL: 'http://127.0.0.1:4141/v1'"],
    ],
    [
      'LangChain (TypeScript)',
      [
        'new ChatOpenAI',
        'new ChatAnthropic',
        "baseURL: 'http://127.0.0.1:4141/v1'",
        "anthropicApiUrl: 'http://127.0.0.1:4141'",
      ],
    ],
  ])('%s: parses as TypeScript and names the route and the base URLs', async (title, parts) => {
    show();
    const text = await copied(title);
    expect(syntaxErrors(text)).toEqual([]);
    for (const part of [...parts, "'main'", `'${KEY}'`]) expect(text).toContain(part);
  });
});

describe('ConnectPage: browser-based tools', () => {
  it('warns, refuses what is not an exact origin, and saves the list', async () => {
    const user = userEvent.setup();
    const calls = fakeAdmin({
      'PUT /admin/settings': { ...SETTINGS, allowedOrigins: ['http://localhost:5173'] },
    });
    show();
    const section = screen.getByRole('region', { name: 'Browser-based tools' });
    expect(within(section).getByRole('note').textContent).toMatch(/proxy key/);
    const box = within(section).getByLabelText('Allowed web origins (one per line)');
    await user.type(box, 'https://*.example{enter}http://localhost:5173/app');
    await user.click(within(section).getByRole('button', { name: 'Save origins' }));
    expect(within(section).getByRole('alert').textContent).toMatch(/https:\/\/\*\.example/);
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);

    await user.clear(box);
    await user.type(box, 'http://localhost:5173');
    await user.click(within(section).getByRole('button', { name: 'Save origins' }));
    expect(calls).toContainEqual({
      method: 'PUT',
      url: '/admin/settings',
      body: { ...SETTINGS, allowedOrigins: ['http://localhost:5173'] },
    });
    expect(useStore.getState().settings?.allowedOrigins).toEqual(['http://localhost:5173']);
  });
});
