import type { TestRequestResult } from '../../app/admin/types.ts';

/**
 * The dashboard's "send a test request": a real chat completion through this engine's own proxy,
 * so it takes exactly the path an IDE's request takes (routing, limits, log). undici's whole index
 * is loaded only when a test is sent (see upstream/undiciParts.ts).
 */
export function createTestRequester(
  proxyUrl: () => string,
  proxyKey: () => string,
  clock: () => number = Date.now,
) {
  return async (model: string, prompt: string): Promise<TestRequestResult> => {
    const started = clock();
    try {
      const { request } = await import('undici');
      const res = await request(`${proxyUrl()}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${proxyKey()}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model,
          max_tokens: 64,
          messages: [{ role: 'user', content: prompt }],
        }),
        headersTimeout: 120_000,
        bodyTimeout: 120_000,
      });
      const body = (await res.body.json().catch(() => ({}))) as {
        choices?: Array<{ message?: { content?: string | null } }>;
        error?: { message?: string };
      };
      const header = (name: string) => {
        const value = res.headers[name];
        return typeof value === 'string' ? value : null;
      };
      const ok = res.statusCode === 200;
      return {
        ok,
        status: res.statusCode,
        text: ok
          ? (body.choices?.[0]?.message?.content ?? '')
          : (body.error?.message ?? `HTTP ${res.statusCode}`),
        requestId: header('x-switchyard-request-id'),
        provider: header('x-switchyard-provider'),
        model: header('x-switchyard-model'),
        latencyMs: clock() - started,
      };
    } catch (err) {
      return {
        ok: false,
        status: 0,
        text: `The engine could not be reached: ${(err as Error).message}`,
        requestId: null,
        provider: null,
        model: null,
        latencyMs: clock() - started,
      };
    }
  };
}
