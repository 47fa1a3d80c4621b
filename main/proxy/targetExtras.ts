/**
 * What a target is sent beyond the translation of the body: output limits it can take, and the
 * caller's beta header where the target speaks the caller's format.
 */
import { clampOutputTokens, type Provider } from '../../app/catalog/schema.ts';
import { catalogModel } from '../../app/limiter/state.ts';
import type { ProxyRequest } from '../../app/formats/proxyRequest.ts';

/**
 * The body with its output-token fields (`max_tokens`, and OpenAI's `max_completion_tokens`)
 * capped at what the target model can write, so a request meant for a bigger model is not a 400.
 */
export function withOutputCap<T extends Record<string, unknown>>(
  body: T,
  provider: Provider,
  model: string,
): T {
  const entry = catalogModel({ provider, model });
  if (entry?.maxOutputTokens === undefined) return body;
  const out: Record<string, unknown> = { ...body };
  for (const field of ['max_tokens', 'max_completion_tokens']) {
    const value = out[field];
    if (typeof value === 'number') out[field] = clampOutputTokens(entry, value);
  }
  return out as T;
}

/**
 * The caller's `anthropic-beta` header, for an Anthropic-format target: beta-only body fields
 * (`context_management`, `output_config`, mid-conversation system messages) are refused
 * without it. Other formats never see it; their translation drops what they cannot take.
 */
export function betaHeaders(req: ProxyRequest): Record<string, string> {
  return req.anthropicBeta === undefined ? {} : { 'anthropic-beta': req.anthropicBeta };
}
