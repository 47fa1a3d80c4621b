/** The route a proxied request takes, the same way for a message and for its token count. */
import type { Config } from '../../app/config/schema.ts';
import { maxTokensOf, promptCharsOf, type ProxyRequest } from '../../app/formats/proxyRequest.ts';
import { requestShape } from '../../app/routing/requestShape.ts';
import type { ProviderDirectory } from '../engine/providerDirectory.ts';
import { resolveRequest, type Resolution } from '../engine/targets.ts';

/**
 * The body whose shape decides the route. Gemini's countTokens may wrap the request it counts in
 * `generateContentRequest`: that request is routed, so the count lands where it would be sent.
 */
function routedBody(req: ProxyRequest): Record<string, unknown> | undefined {
  if (req.kind !== 'gemini_count_tokens') return undefined;
  const inner = req.body.generateContentRequest;
  return inner !== undefined && req.body.contents === undefined ? inner : undefined;
}

/** The request's shape read once, then app/routing's chooseRoute (header, rules, model name). */
export function routeRequest(
  req: ProxyRequest,
  config: Config,
  providers: ProviderDirectory,
): Resolution {
  const inner = routedBody(req);
  const shape = requestShape({
    body: inner ?? req.body,
    model: req.model,
    format: req.inbound,
    client: req.userAgent ?? '',
    stream: req.stream,
    promptChars: inner ? promptCharsOf(inner) : req.promptChars,
    maxTokens: inner ? maxTokensOf(inner) : req.maxTokens,
  });
  return resolveRequest(shape, req.forcedRoute, config, providers);
}
