/**
 * `POST /v1/messages/count_tokens` and Gemini's `:countTokens`: how many input tokens a request
 * would cost on the target it would be routed to. Never a chat request: a target of the caller's
 * own format counts with its own count endpoint (free, and outside the message quota, so the limiter is not asked
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
import { callerOf } from './adapters/registry.ts';
import { authHeaders, readBodyText, type UpstreamClient } from '../upstream/client.ts';
import { joinUrl } from '../upstream/url.ts';
import { betaHeaders } from './targetExtras.ts';
import type { ProviderDirectory } from '../engine/providerDirectory.ts';
import {
  collectText,
  countTextChars,
  type ProxyRequest,
  type ProxyRequestOf,
} from '../../app/formats/proxyRequest.ts';
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

/** A Gemini countTokens body: the o200k tokenizer over every string in it (images at a fixed cost). */
async function estimateGeminiTokens(body: Record<string, unknown>): Promise<number> {
  tokenizer ??= import('gpt-tokenizer/encoding/o200k_base');
  const { countTokens: countO200k } = await tokenizer;
  const texts = collectText(body);
  let tokens = Math.ceil((countTextChars(body) - texts.join('').length) / 4);
  for (const text of texts) if (text !== '') tokens += countO200k(text, PLAIN_TEXT);
  return Math.max(0, tokens);
}

type CountRequest = ProxyRequestOf<'count_tokens' | 'gemini_count_tokens'>;

/** Where a target of the caller's own format counts, and the body it takes. */
function countCall(req: CountRequest, model: string): { path: string; body: string; read: string } {
  if (req.kind === 'count_tokens')
    return {
      path: '/v1/messages/count_tokens',
      body: JSON.stringify({ ...req.body, model }),
      read: 'input_tokens',
    };
  const inner = req.body.generateContentRequest;
  const body =
    inner === undefined
      ? req.body
      : { ...req.body, generateContentRequest: { ...inner, model: `models/${model}` } };
  return {
    path: `v1beta/models/${model.replace(/^models\//, '')}:countTokens`,
    body: JSON.stringify(body),
    read: 'totalTokens',
  };
}

/** The target's own count, or undefined when it could not give one (the caller then estimates). */
async function upstreamCount(
  deps: TokenCountDeps,
  req: CountRequest,
  candidate: Candidate,
  res: ServerResponse,
): Promise<number | undefined> {
  const { provider, model } = candidate;
  const hangUp = new AbortController();
  const onClose = () => hangUp.abort();
  res.once('close', onClose);
  try {
    const secret = candidate.keyId === undefined ? undefined : await deps.secret(candidate.keyId);
    const call = countCall(req, model);
    const response = await deps.upstream.send({
      url: joinUrl(provider.baseUrl, call.path),
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...provider.quirks.extraHeaders,
        ...betaHeaders(req),
        ...authHeaders(provider, secret),
      },
      body: call.body,
      signal: hangUp.signal,
    });
    const text = await readBodyText(response.body, 64 * 1024);
    if (response.status < 200 || response.status >= 300) return undefined;
    const value = JSON.parse(text) as Record<string, unknown>;
    const counted = value[call.read];
    return typeof counted === 'number' ? counted : undefined;
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
  req: CountRequest,
  res: ServerResponse,
): Promise<void> {
  const resolution = routeRequest(req, deps.config(), deps.providers);
  if (!resolution.ok) {
    sendError(
      res,
      callerOf(req.inbound).errorBody,
      resolution.status,
      resolution.message,
      resolution.code,
    );
    return;
  }
  const planned = deps.plan(req, resolution.candidates, resolution.route).candidates[0];
  const target = planned ?? (resolution.candidates[0] as Candidate);
  const headers: Record<string, string> = {
    'x-switchyard-provider': target.provider.id,
    'x-switchyard-model': target.model,
    ...(resolution.routeName !== undefined ? { 'x-switchyard-route': resolution.routeName } : {}),
  };
  const answer = (tokens: number) =>
    req.kind === 'count_tokens' ? { input_tokens: tokens } : { totalTokens: tokens };
  if (planned !== undefined && planned.provider.format === req.inbound) {
    const counted = await upstreamCount(deps, req, planned, res);
    if (counted !== undefined) {
      sendJson(res, 200, answer(counted), {
        ...headers,
        'x-switchyard-token-count': 'provider',
      });
      return;
    }
  }
  sendJson(
    res,
    200,
    answer(
      req.kind === 'count_tokens'
        ? await estimateInputTokens(req.body)
        : await estimateGeminiTokens(req.body),
    ),
    { ...headers, 'x-switchyard-token-count': 'estimate' },
  );
}
