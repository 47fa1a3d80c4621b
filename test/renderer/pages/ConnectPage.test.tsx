import { screen, within } from '@testing-library/react';
import { parse as parseToml } from 'smol-toml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Route, Rule } from '../../../app/config/schema.ts';
import { fakeAdmin, stubBrowser } from '../fakeAdmin.ts';
import { route } from '../fixtures.ts';
import { showConnectPage } from './showConnectPage.tsx';

function show(routes: Route[], defaultRoute?: string, rules: Rule[] = []) {
  showConnectPage({ routes, rules, defaultRoute });
  return screen.getByRole('region', { name: 'Claude Code' });
}

beforeEach(() => {
  stubBrowser();
  fakeAdmin();
});
afterEach(() => vi.unstubAllGlobals());

describe('ConnectPage: Claude Code', () => {
  it('sets the base URL, a token it will not prompt for, and each model variable to a route', () => {
    const card = show([
      route('main'),
      route('big', { aliases: ['claude-opus-*'] }),
      route('small', { aliases: ['*haiku*'] }),
    ]);
    const text = card.querySelector('pre')?.textContent ?? '';
    expect(text.split('\n')).toEqual([
      'export ANTHROPIC_BASE_URL=http://127.0.0.1:4141',
      'export ANTHROPIC_AUTH_TOKEN=sy-••••••••3456',
      'export ANTHROPIC_MODEL=main',
      'export ANTHROPIC_DEFAULT_OPUS_MODEL=big',
      'export ANTHROPIC_DEFAULT_SONNET_MODEL=main',
      'export ANTHROPIC_DEFAULT_HAIKU_MODEL=small',
      'claude',
    ]);
    expect(text).not.toContain('ANTHROPIC_API_KEY');
  });

  it('shows where each of Claude Code’s own names lands, by alias, default route or nowhere', () => {
    const card = show([route('main'), route('big', { aliases: ['claude-opus-*'] })], 'main');
    const rows = within(
      within(card).getByRole('table', { name: "Where Claude Code's model names land" }),
    ).getAllByRole('row');
    expect(rows.map((r) => r.textContent)).toEqual([
      'claude-opus-5-5route big (alias claude-opus-*)',
      'claude-sonnet-5-5route main (the default route)',
      'claude-haiku-5-5route main (the default route)',
      'claude-sonnet-5-5[1m]route main (the default route)',
    ]);
  });

  it('says plainly when a name lands nowhere, and how to fix it', () => {
    const card = show([route('main')]);
    const cell = within(card).getAllByRole('cell')[0];
    expect(cell?.textContent).toBe(
      'nowhere: 404 "Unknown model". Add an alias on a route, or pick a default route.',
    );
  });
});

/** The rules line under a tool's snippet, or null when none of the rules can meet its requests. */
function rulesNote(tool: string): string | null {
  const card = screen.getByRole('region', { name: tool });
  return within(card).queryByTestId('snippet-rules')?.textContent ?? null;
}

describe('ConnectPage rules notes', () => {
  it.each([
    {
      what: 'lists under each tool the rules its requests can meet',
      rules: [
        {
          name: 'background',
          when: { client: 'claude-cli/*', model: 'claude-*haiku*' },
          route: 'fast',
        },
        { name: 'codex reasoning', when: { client: 'codex_*', thinking: true }, route: 'fast' },
      ],
      notes: {
        'Claude Code':
          'Rules that apply: background (model claude-*haiku*, client claude-cli/* → fast)',
        'Codex CLI': 'Rules that apply: codex reasoning (client codex_*, thinking → fast)',
        // A tool whose user agent is not known meets only rules without a client condition.
        Cursor: null,
      },
    },
    {
      what: 'shows Gemini CLI the rules for its user agent, and the other tools not',
      rules: [
        {
          name: 'gemini long',
          when: { client: 'GeminiCLI/*', minPromptTokens: 100_000 },
          route: 'fast',
        },
      ],
      notes: {
        'Gemini CLI':
          'Rules that apply: gemini long (client GeminiCLI/*, prompt ≥ 100000 tokens → fast)',
        'Codex CLI': null,
      },
    },
  ] satisfies Array<{ what: string; rules: Rule[]; notes: Record<string, string | null> }>)(
    '$what',
    ({ rules, notes }) => {
      show([route('fast')], undefined, rules);
      for (const [tool, note] of Object.entries(notes)) expect(rulesNote(tool)).toBe(note);
    },
  );
});

describe('ConnectPage: Codex CLI', () => {
  it('gives a config.toml that parses, speaks the Responses API, and a profile file per route', () => {
    show([route('main'), route('big')]);
    const card = screen.getByRole('region', { name: 'Codex CLI' });
    const text = card.querySelector('pre')?.textContent ?? '';
    const config = parseToml(text);
    expect(config).toEqual({
      model: 'main',
      model_provider: 'switchyard',
      model_providers: {
        switchyard: {
          name: 'Switchyard',
          base_url: 'http://127.0.0.1:4141/v1',
          env_key: 'SWITCHYARD_API_KEY',
          wire_api: 'responses',
        },
      },
    });
    // Each profile file is the commented block under its path, uncommented.
    const profiles = text.split('\n\n').slice(2);
    expect(profiles.map((block) => block.split('\n')[0])).toEqual([
      '# ~/.codex/main.config.toml, for codex -p main:',
      '# ~/.codex/big.config.toml, for codex -p big:',
    ]);
    expect(
      profiles.map((block) =>
        parseToml(
          block
            .split('\n')
            .slice(1)
            .map((l) => l.slice(2))
            .join('\n'),
        ),
      ),
    ).toEqual([
      { model_provider: 'switchyard', model: 'main' },
      { model_provider: 'switchyard', model: 'big' },
    ]);
    expect(text).not.toContain('sy-test-proxy-key-123456');
  });
});
