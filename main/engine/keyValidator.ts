import type { Provider } from '../../app/catalog/schema.ts';
import type { KeyValidation, ValidateKey } from '../keys/keyStatus.ts';
import {
  authHeaders,
  readBodyText,
  type UpstreamClient,
  UpstreamTransportError,
} from '../upstream/client.ts';
import { joinUrl } from '../upstream/url.ts';
import type { ProviderDirectory } from './providerDirectory.ts';

/** The provider's model-list URL and auth headers: the cheapest call that proves a key works. */
export function modelsCall(
  provider: Provider,
  secret: string | undefined,
): { url: string; headers: Record<string, string> } {
  const extra = provider.quirks.extraHeaders ?? {};
  switch (provider.format) {
    case 'anthropic':
      return {
        url: joinUrl(provider.baseUrl, '/v1/models'),
        headers: {
          'anthropic-version': '2023-06-01',
          ...extra,
          ...authHeaders(provider, secret),
        },
      };
    case 'gemini':
      return {
        url: joinUrl(provider.baseUrl, '/v1beta/models'),
        headers: { ...extra, ...authHeaders(provider, secret) },
      };
    case 'openai': {
      const path = provider.quirks.modelsPath ?? '/models';
      return {
        url: path.startsWith('http') ? path : joinUrl(provider.baseUrl, path),
        headers: { ...extra, ...authHeaders(provider, secret) },
      };
    }
  }
}

/** Sends the models call with the key check's bounds; the body is read up to `maxBytes` ('' when it fails mid-way). */
export async function sendModelsCall(
  upstream: UpstreamClient,
  provider: Provider,
  secret: string | undefined,
  maxBytes: number,
): Promise<{ status: number; text: string }> {
  const call = modelsCall(provider, secret);
  const res = await upstream.send({
    url: call.url,
    method: 'GET',
    headers: call.headers,
    signal: AbortSignal.timeout(15_000),
    timeouts: { headersMs: 15_000, idleMs: 15_000 },
  });
  const text = await readBodyText(res.body, maxBytes).catch(() => '');
  return { status: res.status, text };
}

function countModels(text: string): number | undefined {
  try {
    const body = JSON.parse(text) as { data?: unknown[]; models?: unknown[] };
    return (body.data ?? body.models)?.length;
  } catch {
    return undefined;
  }
}

/** Gemini answers a bad key with 400 API_KEY_INVALID rather than 401. */
function saysKeyInvalid(text: string): boolean {
  return /API_KEY_INVALID|invalid api key|invalid x-api-key|incorrect api key/i.test(text);
}

/**
 * Checks a key against its provider with a models call. The messages name the provider and the
 * status, never the key or the provider's own words (which may echo part of it).
 */
export function createKeyValidator(
  providers: ProviderDirectory,
  upstream: UpstreamClient,
  clock: () => number = Date.now,
): ValidateKey {
  return async (providerId, secret): Promise<KeyValidation> => {
    const provider = providers.get(providerId);
    if (!provider)
      return {
        outcome: 'failed',
        message: `No provider "${providerId}" in the catalog.`,
        latencyMs: null,
      };
    const started = clock();
    try {
      const { status, text } = await sendModelsCall(upstream, provider, secret, 2 * 1024 * 1024);
      const latencyMs = clock() - started;
      if (status >= 200 && status < 300) {
        const count = countModels(text);
        return {
          outcome: 'ok',
          message: `${provider.name} accepted the key${count !== undefined ? ` and lists ${count} ${count === 1 ? 'model' : 'models'}` : ''}.`,
          latencyMs,
        };
      }
      if (status === 401 || status === 403 || (status === 400 && saysKeyInvalid(text))) {
        return {
          outcome: 'invalid',
          message: `${provider.name} refused the key (HTTP ${status}). Check that it was copied whole and is still active.`,
          latencyMs,
        };
      }
      if (status === 429) {
        return {
          outcome: 'ok',
          message: `${provider.name} knows the key but is rate-limiting it right now (HTTP 429).`,
          latencyMs,
        };
      }
      return {
        outcome: 'failed',
        message: `${provider.name} answered HTTP ${status} to a model list request; the key could not be confirmed.`,
        latencyMs,
      };
    } catch (err) {
      const reason = err instanceof UpstreamTransportError ? err.message : 'the request failed';
      return {
        outcome: 'unreachable',
        message: `${provider.name} could not be reached (${reason}). The key was not checked.`,
        latencyMs: null,
      };
    }
  };
}
