/**
 * `POST /v1/messages/count_tokens`: how many input tokens a Messages request would cost on the
 * target it would be routed to. Never a chat request: an Anthropic-format target counts with its
 * own count_tokens endpoint (free, and outside the message quota, so the limiter is not asked
 * for capacity); any other target, or an Anthropic one whose count fails, is counted here with
 * the o200k tokenizer and the answer says so in `x-switchyard-token-count: estimate`. Claude
 * Code falls back to real `max_tokens: 1` chat requests when a count fails, so a count answers
 * whenever the model resolves.
 */
import type * as O200k from 'gpt-tokenizer/encoding/o200k_base';
import type { ServerResponse } from 'node:http';
import type { Route } from '../../app/config/schema.ts';
import type { CountTokensRequest } from '../../app/formats/anthropic.ts';
import { countableText } from '../../app/formats/countTokens.ts';
import type { RoutePlan } from '../../app/routing/plan.ts';
import { sendError, sendJson } from '../server/respond.ts';
import { anthropicErrorBody } from './adapters/anthropic.ts';
import { authHeaders, readBodyText, type UpstreamClient } from '../upstream/client.ts';
import { joinUrl } from './url.ts';
import { betaHeaders } from './targetExtras.ts';
import type { ProviderDirectory } from '../engine/providerDirectory.ts';
import type { ProxyRequest, ProxyRequestOf } from '../../app/formats/proxyRequest.ts';
import type { Candidate } from '../engine/targets.ts';
import { routeRequest } from './requestRoute.ts';
import type { Config } from '../../app/config/schema.ts';

export type TokenCountDeps = {
  config: () => Config;
  providers: ProviderDirectory;
  upstream: UpstreamClient;
  secret: (keyId: string) => Promise<string>;
  plan: (
    req: ProxyRequest,
    candidates: readonly Candidate[],
    route: Route | undefined,
  ) => RoutePlan<Candidate>;
};

/** Special-token text in a prompt is counted as the plain text it is, never refused. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

// The o200k tables cost about 50 MB once decoded: loaded on the first count, not at start, so an
// engine that never serves a local count never pays for them.
let tokenizer: Promise<typeof O200k> | undefined;

/** The local estimate: the o200k tokenizer over the request's text, plus fixed media costs. */
async function estimateInputTokens(body: CountTokensRequest): Promise<number> {
  tokenizer ??= import('gpt-tokenizer/encoding/o200k_base');
  const { countTokens: countO200k } = await tokenizer;
  const { texts, fixedTokens } = countableText(body);
  let tokens = fixedTokens;
  for (const text of texts) if (text !== '') tokens += countO200k(text, PLAIN_TEXT);
  return tokens;
}

/** The target's own count, or undefined when it could not give one (the caller then estimates). */
async function upstreamCount(
  deps: TokenCountDeps,
  req: ProxyRequest,
  candidate: Candidate,
  res: ServerResponse,
): Promise<number | undefined> {
  const { provider, model } = candidate;
  const hangUp = new AbortController();
  const onClose = () => hangUp.abort();
  res.once('close', onClose);
  try {
    const secret = candidate.keyId === undefined ? undefined : await deps.secret(candidate.keyId);
    const response = await deps.upstream.send({
      url: joinUrl(provider.baseUrl, '/v1/messages/count_tokens'),
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...provider.quirks.extraHeaders,
        ...betaHeaders(req),
        ...authHeaders(provider, secret),
      },
      body: JSON.stringify({ ...req.body, model }),
      signal: hangUp.signal,
    });
    const text = await readBodyText(response.body, 64 * 1024);
    if (response.status < 200 || response.status >= 300) return undefined;
    const value = JSON.parse(text) as { input_tokens?: unknown };
    return typeof value.input_tokens === 'number' ? value.input_tokens : undefined;
  } catch {
    return undefined;
  } finally {
    res.off('close', onClose);
  }
}

/**
 * Answers a count for the first candidate the plan would try on the route the message itself
 * would take (rules included: a long read is counted where it will be sent). Cooling, parked and
 * invalid keys are left out as for a message; with none left, the route's first target is
 * estimated locally.
 */
export async function countTokens(
  deps: TokenCountDeps,
  req: ProxyRequestOf<'count_tokens'>,
  res: ServerResponse,
): Promise<void> {
  const resolution = routeRequest(req, deps.config(), deps.providers);
  if (!resolution.ok) {
    sendError(res, anthropicErrorBody, resolution.status, resolution.message, resolution.code);
    return;
  }
  const planned = deps.plan(req, resolution.candidates, resolution.route).candidates[0];
  const target = planned ?? (resolution.candidates[0] as Candidate);
  const headers: Record<string, string> = {
    'x-switchyard-provider': target.provider.id,
    'x-switchyard-model': target.model,
    ...(resolution.routeName !== undefined ? { 'x-switchyard-route': resolution.routeName } : {}),
  };
  if (planned !== undefined && planned.provider.format === 'anthropic') {
    const counted = await upstreamCount(deps, req, planned, res);
    if (counted !== undefined) {
      sendJson(
        res,
        200,
        { input_tokens: counted },
        {
          ...headers,
          'x-switchyard-token-count': 'provider',
        },
      );
      return;
    }
  }
  sendJson(
    res,
    200,
    { input_tokens: await estimateInputTokens(req.body) },
    { ...headers, 'x-switchyard-token-count': 'estimate' },
  );
}
