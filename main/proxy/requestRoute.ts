/** The route a proxied request takes, the same way for a message and for its token count. */
import type { Config } from '../../app/config/schema.ts';
import type { ProxyRequest } from '../../app/formats/proxyRequest.ts';
import { requestShape } from '../../app/routing/requestShape.ts';
import type { ProviderDirectory } from '../engine/providerDirectory.ts';
import { resolveRequest, type Resolution } from '../engine/targets.ts';

/** The request's shape read once, then app/routing's chooseRoute (header, rules, model name). */
export function routeRequest(
  req: ProxyRequest,
  config: Config,
  providers: ProviderDirectory,
): Resolution {
  const shape = requestShape({
    body: req.body,
    model: req.model,
    format: req.inbound,
    client: req.userAgent ?? '',
    stream: req.stream,
    promptChars: req.promptChars,
    maxTokens: req.maxTokens,
  });
  return resolveRequest(shape, req.forcedRoute, config, providers);
}
