import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProvidersPage } from '../../../renderer/src/pages/ProvidersPage.tsx';
import { useStore } from '../../../renderer/src/store/index.ts';
import { CATALOG, KEYS, key } from '../fixtures.ts';
import { fakeAdmin, Refusal } from '../fakeAdmin.ts';

const INITIAL = useStore.getState();
const SECRET = 'gsk_live_0123456789abcdef';
/** The engine's test of a working Groq key. */
const GROQ_ANSWERED = {
  outcome: 'ok',
  message: 'Groq answered: 6 models.',
  latencyMs: 80,
  testedAt: '2026-11-25T10:00:00Z',
} as const;

beforeEach(() => {
  useStore.setState(
    {
      ...INITIAL,
      catalog: CATALOG,
      catalogState: 'ready',
      keys: KEYS,
      keysState: 'ready',
      keychain: { state: 'ok', backend: 'Secret Service', message: 'unlocked' },
    },
    true,
  );
});
afterEach(() => vi.unstubAllGlobals());

describe('ProvidersPage', () => {
  it('shows each provider’s data policy as badges linked to their source and date', () => {
    render(<ProvidersPage />);
    const gemini = screen.getByTestId('provider-gemini');
    expect(within(gemini).getByText(/^Trains on free-tier prompts/).className).toContain('bad');
    const groq = screen.getByTestId('provider-groq');
    expect(within(groq).getByText(/^Zero data retention available/).className).toContain('ok');
    expect(within(groq).getByText('Jurisdiction: US')).toBeTruthy();
  });

  it('adds a key: the secret goes to the engine once, the field forgets it, the list shows its last four', async () => {
    const user = userEvent.setup();
    const added = key({ id: 'groq-3', provider: 'groq', label: 'laptop', last4: 'cdef' });
    const calls = fakeAdmin({
      'POST /admin/keys': {
        key: added,
        test: GROQ_ANSWERED,
      },
    });
    render(<ProvidersPage />);
    const form = screen.getByRole('form', { name: 'Add a key' });
    await user.selectOptions(within(form).getByLabelText('Provider'), 'groq');
    await user.type(within(form).getByLabelText('Label'), 'laptop');
    await user.type(within(form).getByLabelText('API key'), SECRET);
    expect((within(form).getByLabelText('API key') as HTMLInputElement).type).toBe('password');
    await user.click(within(form).getByRole('button', { name: 'Save key' }));

    expect(calls).toContainEqual({
      method: 'POST',
      url: '/admin/keys',
      body: { provider: 'groq', label: 'laptop', tier: 'free', secret: SECRET },
    });
    expect((within(form).getByLabelText('API key') as HTMLInputElement).value).toBe('');
    expect(
      within(screen.getByTestId('provider-groq')).getByTestId('key-groq-3').textContent,
    ).toContain('••••cdef');
    expect(useStore.getState().toasts.at(-1)?.text).toBe(
      'Key "laptop" saved in the keychain. Groq answered: 6 models.',
    );
    expect(document.body.innerHTML).not.toContain(SECRET);
  });

  it('shows the engine’s complaint beside the field it names', async () => {
    const user = userEvent.setup();
    fakeAdmin({
      'POST /admin/keys': new Refusal(400, 'secret: secret is too short to be an API key', [
        { path: 'secret', message: 'secret is too short to be an API key' },
      ]),
    });
    render(<ProvidersPage />);
    const form = screen.getByRole('form', { name: 'Add a key' });
    await user.type(within(form).getByLabelText('API key'), 'short');
    await user.click(within(form).getByRole('button', { name: 'Save key' }));
    expect(await within(form).findByText('secret is too short to be an API key')).toBeTruthy();
    expect(within(form).getByLabelText('API key').getAttribute('aria-invalid')).toBe('true');
  });

  it('asks before deleting a key, and tests one on request', async () => {
    const user = userEvent.setup();
    const calls = fakeAdmin({
      'DELETE /admin/keys/groq-2': { ok: true },
      'POST /admin/keys/groq-1/test': {
        key: KEYS[0],
        test: GROQ_ANSWERED,
      },
    });
    render(<ProvidersPage />);
    const work = screen.getByTestId('key-groq-2');
    await user.click(within(work).getByRole('button', { name: 'Delete' }));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await user.click(within(work).getByRole('button', { name: 'Delete key' }));
    expect(calls).toContainEqual({ method: 'DELETE', url: '/admin/keys/groq-2', body: undefined });
    expect(screen.queryByTestId('key-groq-2')).toBeNull();

    await user.click(
      within(screen.getByTestId('key-groq-1')).getByRole('button', { name: 'Test' }),
    );
    expect(calls).toContainEqual({ method: 'POST', url: '/admin/keys/groq-1/test', body: {} });
  });

  it('adds a custom OpenAI-compatible provider', async () => {
    const user = userEvent.setup();
    const calls = fakeAdmin({
      'PUT /admin/providers/my-llm': { custom: true, baseUrl: 'http://127.0.0.1:8080/v1' },
      'GET /admin/catalog': { catalog: CATALOG, problems: [] },
      'GET /admin/providers': {},
    });
    render(<ProvidersPage />);
    const form = screen.getByRole('form', { name: 'Add a custom provider' });
    await user.type(within(form).getByLabelText('Id'), 'my-llm');
    await user.type(within(form).getByLabelText('Base URL'), 'http://127.0.0.1:8080/v1');
    await user.type(
      within(form).getByLabelText('Models (comma or space separated)'),
      'llama3.1:8b, qwen2.5',
    );
    await user.click(within(form).getByRole('button', { name: 'Add provider' }));
    expect(calls).toContainEqual({
      method: 'PUT',
      url: '/admin/providers/my-llm',
      body: {
        custom: true,
        baseUrl: 'http://127.0.0.1:8080/v1',
        format: 'openai',
        models: ['llama3.1:8b', 'qwen2.5'],
      },
    });
  });
});
