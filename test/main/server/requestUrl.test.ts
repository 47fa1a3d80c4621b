import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRequestUrl } from '../../../main/server/requestUrl.ts';

type Read = { pathname: string; query: string[][] } | 'throws';

/** What a reader makes of a request target, or that it throws. */
function read(
  parse: (target: string) => Pick<URL, 'pathname' | 'searchParams'>,
  target: string,
): Read {
  try {
    const url = parse(target);
    return { pathname: url.pathname, query: [...url.searchParams] };
  } catch {
    return 'throws';
  }
}

/** The URL parser: the reference the fast path must match. */
const byUrl = (target: string) => new URL(target, 'http://127.0.0.1');

describe('parseRequestUrl', () => {
  it.each([
    '/',
    '/v1/chat/completions',
    '/v1/messages/count_tokens',
    '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
    '/v1/models/groq/llama-3.1-8b-instant',
    '/v1/responses/resp_abc-123',
    '/admin/requests/',
    // Not plain: each goes through the URL parser, which resolves, encodes or splits it.
    '/v1/../admin/config',
    '/v1/./chat/completions',
    '/v1/%2e%2e/admin',
    '/.well-known/x',
    '//evil.example/v1/chat/completions',
    '/v1/chat completions',
    '/v1/models/caf\u00e9',
    '/v1\\chat\\completions',
    '/v1beta/models/gemini:generateContent?key=abc&alt=sse',
    '/admin/requests?limit=10&provider=groq',
    '/v1/chat/completions#fragment',
  ])('reads %s as the URL parser does', (target) => {
    expect(read(parseRequestUrl, target)).toEqual(read(byUrl, target));
  });

  it('reads any target of path characters as the URL parser does', () => {
    const target = fc
      .array(
        fc.constantFrom(
          '/',
          '.',
          ':',
          '-',
          '_',
          'a',
          'Z',
          '0',
          '%',
          '2',
          'e',
          '?',
          '=',
          '&',
          ' ',
          '\\',
        ),
        {
          maxLength: 24,
        },
      )
      .map((chars) => `/${chars.join('')}`);
    fc.assert(
      fc.property(target, (t) => {
        expect(read(parseRequestUrl, t)).toEqual(read(byUrl, t));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives each plain request its own empty query', () => {
    const a = parseRequestUrl('/v1/chat/completions');
    a.searchParams.set('key', 'x');
    expect(parseRequestUrl('/v1/chat/completions').searchParams.get('key')).toBeNull();
  });

  it('throws on a target the URL parser refuses, as new URL does', () => {
    expect(read(byUrl, 'http://[::1')).toBe('throws');
    expect(read(parseRequestUrl, 'http://[::1')).toBe('throws');
  });
});
