import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProvidersPage } from '../../../renderer/src/pages/ProvidersPage.tsx';
import { useStore } from '../../../renderer/src/store/index.ts';
import { CATALOG, KEYS, key } from '../fixtures.ts';
import { fakeAdmin, Refusal } from '../fakeAdmin.ts';

const INITIAL = useStore.getState();
const NEW_URL = 'http://127.0.0.1:9999/v1';
const held = key({
  id: 'groq-1',
  provider: 'groq',
  unconfirmedBaseUrl: { current: NEW_URL, confirmed: 'https://api.groq.com/openai/v1' },
});

beforeEach(() => {
  useStore.setState(
    {
      ...INITIAL,
      catalog: CATALOG,
      catalogState: 'ready',
      keys: KEYS.map((k) => (k.id === held.id ? held : k)),
      keysState: 'ready',
      keychain: { state: 'ok', backend: 'Secret Service', message: 'unlocked' },
    },
    true,
  );
});
afterEach(() => vi.unstubAllGlobals());

describe('confirming a provider’s new address for a key', () => {
  it('shows both addresses, asks for the code the engine showed elsewhere, and confirms with it', async () => {
    const user = userEvent.setup();
    const calls = fakeAdmin({
      'POST /admin/keys/groq-1/base-url/code': {
        keyId: 'groq-1',
        baseUrl: NEW_URL,
        confirmedBaseUrl: 'https://api.groq.com/openai/v1',
        shownIn: 'the terminal where Switchyard runs (its log)',
      },
      'POST /admin/keys/groq-1/base-url/confirm': { ...held, unconfirmedBaseUrl: undefined },
    });
    render(<ProvidersPage />);
    const row = screen.getByTestId('key-groq-1');
    const box = within(row).getByTestId('confirm-url-groq-1');
    expect(box.textContent).toContain(NEW_URL);
    expect(box.textContent).toContain('https://api.groq.com/openai/v1');
    await user.click(within(box).getByRole('button', { name: /Confirm this address/ }));
    const input = within(box).getByLabelText(/the terminal where Switchyard runs/);
    await user.type(input, '042137');
    await user.click(within(box).getByRole('button', { name: 'Confirm' }));
    expect(calls).toContainEqual({
      method: 'POST',
      url: '/admin/keys/groq-1/base-url/confirm',
      body: { baseUrl: NEW_URL, code: '042137' },
    });
    expect(screen.queryByTestId('confirm-url-groq-1')).toBeNull();
  });

  it('says so when the code is wrong, and lets the person try again', async () => {
    const user = userEvent.setup();
    fakeAdmin({
      'POST /admin/keys/groq-1/base-url/code': {
        keyId: 'groq-1',
        baseUrl: NEW_URL,
        confirmedBaseUrl: null,
        shownIn: 'a Switchyard dialog',
      },
      'POST /admin/keys/groq-1/base-url/confirm': new Refusal(
        403,
        'That confirmation code is wrong, used or expired.',
      ),
    });
    render(<ProvidersPage />);
    const box = screen.getByTestId('confirm-url-groq-1');
    await user.click(within(box).getByRole('button', { name: /Confirm this address/ }));
    await user.type(within(box).getByLabelText(/a Switchyard dialog/), '000000');
    await user.click(within(box).getByRole('button', { name: 'Confirm' }));
    expect((await within(box).findByRole('alert')).textContent).toMatch(/wrong, used or expired/);
    expect(screen.getByTestId('confirm-url-groq-1')).toBeTruthy();
  });
});
