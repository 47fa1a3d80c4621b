import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { call } from '../../../renderer/src/api/client.ts';
import { adminAuthHeaders, adoptTokenFromFragment } from '../../../renderer/src/api/session.ts';

beforeEach(() => {
  sessionStorage.clear();
  window.history.replaceState(null, '', '/');
});
afterEach(() => {
  vi.unstubAllGlobals();
  delete (globalThis as Record<string, unknown>).switchyard;
});

describe('the admin session without a cookie', () => {
  it('takes the token from the #token= fragment, keeps it in sessionStorage and clears the address', () => {
    window.history.replaceState(null, '', '/#token=abc_DEF-123');
    adoptTokenFromFragment();
    expect(sessionStorage.getItem('switchyard.adminToken')).toBe('abc_DEF-123');
    expect(window.location.hash).toBe('');
    expect(window.location.href).not.toContain('abc_DEF-123');
    expect(adminAuthHeaders()).toEqual({ authorization: 'Bearer abc_DEF-123' });
  });

  it('keeps a page route in the fragment and the stored token when the link has none', () => {
    sessionStorage.setItem('switchyard.adminToken', 'kept');
    window.history.replaceState(null, '', '/#/requests');
    adoptTokenFromFragment();
    expect(window.location.hash).toBe('#/requests');
    expect(adminAuthHeaders()).toEqual({ authorization: 'Bearer kept' });
  });

  it('sends the token as a header and never asks the browser for cookies', async () => {
    window.history.replaceState(null, '', '/#token=from-link');
    adoptTokenFromFragment();
    const seen: RequestInit[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        seen.push(init);
        return new Response('[]', { status: 200 });
      }),
    );
    await call('listKeys');
    expect((seen[0]?.headers as Record<string, string>).authorization).toBe('Bearer from-link');
    expect(seen[0]?.credentials).toBe('omit');
  });

  it('prefers the Electron bridge’s token', () => {
    sessionStorage.setItem('switchyard.adminToken', 'browser');
    (globalThis as Record<string, unknown>).switchyard = {
      adminUrl: 'http://x',
      adminToken: 'shell',
    };
    expect(adminAuthHeaders()).toEqual({ authorization: 'Bearer shell' });
  });

  it('sends no authorization at all without a token', () => {
    expect(adminAuthHeaders()).toEqual({});
  });
});
