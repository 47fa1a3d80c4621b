/**
 * The codec for one request and one target, from the two formats' adapters. Bytes pass through
 * when the formats match; translation (through the OpenAI hub) happens only when they differ.
 * Endpoints a format cannot serve say so, and the dispatcher skips that target with the reason.
 */
import type { Provider } from '../../app/catalog/schema.ts';
import { malformedStream } from '../../app/formats/common.ts';
import type { ProxyRequest } from '../../app/formats/proxyRequest.ts';
import type { Candidate } from '../engine/targets.ts';
import type { CallerSide, HubRequest, TargetSide } from './adapter.ts';
import { ADAPTERS, callerOf } from './adapters/registry.ts';
import type { Codec } from './codec.ts';
import { openAiUsage, parseJson, translatingRelay } from './relays.ts';
import { withOutputCap } from './targetExtras.ts';

/** caller → hub → target, and back. */
function translating(
  req: HubRequest,
  provider: Provider,
  caller: CallerSide,
  target: TargetSide,
): Codec {
  const producer = (model: string) => `${provider.id}/${model}`;
  const created = Math.floor(req.receivedAt / 1000);
  return {
    url: target.url,
    encode: (_request, model, provider) => {
      const hub = caller.toHub(req, producer(model));
      if (!hub.ok) return hub;
      const encoded = target.encode(
        withOutputCap(hub.value, provider, model),
        model,
        provider,
        req,
      );
      return encoded.ok ? { ok: true, body: JSON.stringify(encoded.value) } : encoded;
    },
    decode: (text, model) => {
      const value = parseJson(text);
      const failed = target.answeredError(value);
      if (failed) return { ok: false, error: failed };
      const completion = target.decode(value, model, created);
      if (!completion) return { ok: false, error: malformedStream('upstream') };
      completion.model = model;
      return {
        ok: true,
        body: JSON.stringify(caller.answer(completion, model, producer(model), req)),
        usage: openAiUsage(completion.usage) ?? { tokensIn: 0, tokensOut: 0 },
      };
    },
    relay: (model) =>
      translatingRelay(
        target.stream(model, caller.includeUsage(req), created),
        caller.stream(model, producer(model), req),
      ),
  };
}

export function codecFor(req: ProxyRequest, candidate: Candidate): Codec | { unsupported: string } {
  const { provider } = candidate;
  const target = ADAPTERS[provider.format].target;
  switch (req.kind) {
    case 'completions':
      return target.completions(provider);
    case 'embeddings':
      return target.embeddings(req, provider);
    case 'count_tokens':
    case 'gemini_count_tokens':
      return { unsupported: 'token counts are answered by tokenCount.ts, never relayed' };
    case 'responses':
      // A provider that serves the Responses API itself gets the request as sent.
      return provider.responsesApi === true
        ? callerOf(req.inbound).passthrough(req, provider)
        : translating(req, provider, callerOf(req.inbound), target);
    case 'chat':
    case 'messages':
    case 'generate': {
      const caller = callerOf(req.inbound);
      return req.inbound === provider.format
        ? caller.passthrough(req, provider)
        : translating(req, provider, caller, target);
    }
  }
}
