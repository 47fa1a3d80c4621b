import type { ProxyRequest } from '../../../app/formats/proxyRequest.ts';
import { loadShippedCatalog } from '../../../main/engine/providerDirectory.ts';
import type { Codec } from '../../../main/proxy/codec.ts';
import { codecFor } from '../../../main/proxy/codecs.ts';
import { DEFAULT_CATALOG_PATH } from '../../../main/proxy/proxyService.ts';

const catalog = loadShippedCatalog(DEFAULT_CATALOG_PATH);

/** A one-message request ("hi", at most 10 tokens) from an OpenAI chat or Anthropic messages caller. */
export function callerRequest(
  inbound: 'openai' | 'anthropic',
  stream: boolean,
  receivedAt = 0,
): ProxyRequest {
  return {
    id: 'r',
    kind: inbound === 'openai' ? 'chat' : 'messages',
    inbound,
    body: {
      model: 'x',
      max_tokens: 10,
      ...(stream ? { stream: true } : {}),
      messages: [{ role: 'user', content: 'hi' }],
    },
    model: 'x',
    stream,
    promptChars: 2,
    maxTokens: 10,
    receivedAt,
  } as ProxyRequest;
}

/** The codec from `request` to the shipped catalog's `providerId`; a pair with none fails the test. */
export function codecTo(
  request: ProxyRequest,
  providerId: string,
  model = 'm',
  tier: 'free' | 'paid' = 'free',
): Codec {
  const provider = catalog.providers.find((p) => p.id === providerId);
  if (!provider) throw new Error(`no ${providerId} in the shipped catalog`);
  const codec = codecFor(request, { provider, model, keyId: 'k', tier });
  if ('unsupported' in codec) throw new Error(codec.unsupported);
  return codec;
}
