// A passthrough codec keeps the URL it joined per base URL (main/proxy/passthrough.ts): a
// provider whose base URL changes must be sent to the new one, past the cache's bound too.
import { describe, expect, it } from 'vitest';
import type { Provider } from '../../../app/catalog/schema.ts';
import { passthrough } from '../../../main/proxy/passthrough.ts';
import { GROQ } from '../../app/limiter/fixtures.ts';

const codec = passthrough(
  '/chat/completions',
  () => {
    throw new Error('not streamed here');
  },
  (text) => ({ ok: true, body: text, usage: { tokensIn: 0, tokensOut: 0 } }),
);

const at = (baseUrl: string): Provider => ({ ...GROQ, baseUrl });

describe("a passthrough codec's upstream URL", () => {
  it('follows the base URL, for more base URLs than it keeps', () => {
    expect(codec.url(at('http://127.0.0.1:1/v1/'), 'm', false)).toBe(
      'http://127.0.0.1:1/v1/chat/completions',
    );
    expect(codec.url(at('http://127.0.0.1:2/api'), 'm', false)).toBe(
      'http://127.0.0.1:2/api/chat/completions',
    );
    for (let i = 0; i < 200; i++)
      expect(codec.url(at(`http://127.0.0.1:${1000 + i}/v1`), 'm', true)).toBe(
        `http://127.0.0.1:${1000 + i}/v1/chat/completions`,
      );
    expect(codec.url(at('http://127.0.0.1:1/v1/'), 'm', false)).toBe(
      'http://127.0.0.1:1/v1/chat/completions',
    );
  });
});
