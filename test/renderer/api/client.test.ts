import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { ApiError, call, messageFor, type CallArgs } from '../../../renderer/src/api/client.ts';

type Seen = { url: string; init: RequestInit };

function fakeFetch(status: number, body: unknown): Seen[] {
  const seen: Seen[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
    }),
  );
  return seen;
}

afterEach(() => {
  vi.unstubAllGlobals();
  delete (globalThis as Record<string, unknown>).switchyard;
});

describe('call', () => {
  it('takes method and path from the contract, fills path parameters and sends JSON', async () => {
    const seen = fakeFetch(200, { key: { id: 'g 1' }, test: { outcome: 'ok' } });
    await call('replaceKey', { secret: 'gsk_abcdefgh' }, { params: { id: 'g 1' } });
    expect(seen[0]?.url).toBe('/admin/keys/g%201');
    expect(seen[0]?.init.method).toBe('PUT');
    expect(seen[0]?.init.body).toBe('{"secret":"gsk_abcdefgh"}');
    expect(seen[0]?.init.credentials).toBe('omit');
    expect((seen[0]?.init.headers as Record<string, string>)['content-type']).toBe(
      'application/json',
    );
  });

  it('sends no body on GET and writes the defined query parameters only', async () => {
    const seen = fakeFetch(200, { items: [], droppedRows: 0 });
    await call('listRequests', undefined, {
      query: { route: 'fast', status: '429', limit: 50, provider: undefined },
    });
    expect(seen[0]?.url).toBe('/admin/requests?route=fast&status=429&limit=50');
    expect(seen[0]?.init.method).toBe('GET');
    expect(seen[0]?.init.body).toBeUndefined();
  });

  it('uses the Electron bridge’s origin and token when there is one', async () => {
    (globalThis as Record<string, unknown>).switchyard = {
      adminUrl: 'http://127.0.0.1:4141',
      adminToken: 'tok',
    };
    const seen = fakeFetch(200, []);
    await call('listKeys');
    expect(seen[0]?.url).toBe('http://127.0.0.1:4141/admin/keys');
    expect((seen[0]?.init.headers as Record<string, string>).authorization).toBe('Bearer tok');
  });

  it('passes the engine’s field-level message through, with status and code', async () => {
    fakeFetch(400, { error: { message: 'label: label must not be empty', code: 'invalid_body' } });
    const err = await call('addKey', { provider: 'groq', label: '', secret: 'gsk_abcdefgh' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 400,
      code: 'invalid_body',
      message: 'label: label must not be empty',
    });
  });

  it('explains an engine that cannot be reached', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    const err = (await call('status').catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(0);
    expect(err.message).toMatch(/^Cannot reach the Switchyard engine\. Is it still running\?/);
  });

  it('says what to do about an answer without details', async () => {
    fakeFetch(502, '<html>bad gateway</html>');
    const err = (await call('status').catch((e: unknown) => e)) as ApiError;
    expect(err.message).toBe('The engine answered HTTP 502 without details; see its log.');
  });
});

describe('messageFor', () => {
  it('turns a refused session into the step that fixes it', () => {
    expect(messageFor(401, 'Missing or wrong admin token.')).toMatch(
      /Open the dashboard link that "switchyard serve" printed/,
    );
  });
  it('points at the log for server errors that do not already', () => {
    expect(messageFor(500, 'Switchyard could not complete "listKeys": boom')).toBe(
      'Switchyard could not complete "listKeys": boom (HTTP 500; the engine\'s log has details.)',
    );
    expect(messageFor(503, 'The keychain is locked; unlock it and try again.')).toBe(
      "The keychain is locked; unlock it and try again. (HTTP 503; the engine's log has details.)",
    );
  });
});

describe('call types', () => {
  it('requires the path parameters that the contract’s path names, and only those', () => {
    type DeleteOptions = CallArgs<'deleteKey'>[1];
    expectTypeOf<{ params: { id: string } }>().toMatchTypeOf<DeleteOptions>();
    expectTypeOf<undefined>().not.toMatchTypeOf<DeleteOptions>();
    expectTypeOf<{ params: { key: string } }>().not.toMatchTypeOf<DeleteOptions>();
    expectTypeOf<undefined>().toMatchTypeOf<CallArgs<'listKeys'>[1]>();
  });
});
