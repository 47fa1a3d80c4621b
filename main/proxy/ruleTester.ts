/**
 * The Routes page's rule tester: which rule a pasted request matches and the plan it would get
 * now, by the very functions a proxied request goes through (requestShape, chooseRoute through
 * resolveRequest, the engine's planner on the live limiter), on the saved or a draft config.
 */
import type { ParsedRequestOf } from '../../app/admin/contract.ts';
import type { RuleTestCandidate, RuleTestResult } from '../../app/admin/types.ts';
import type { Config, Route } from '../../app/config/schema.ts';
import { maxTokensOf, promptCharsOf } from '../../app/formats/proxyRequest.ts';
import type { RoutePlan } from '../../app/routing/plan.ts';
import { requestShape } from '../../app/routing/requestShape.ts';
import type { ProviderDirectory } from '../engine/providerDirectory.ts';
import { resolveRequest, type Candidate } from '../engine/targets.ts';

type Planner = (
  req: { body: Record<string, unknown>; promptChars: number; maxTokens: number | undefined },
  candidates: readonly Candidate[],
  route: Route | undefined,
) => RoutePlan<Candidate>;

function candidateOf(c: Candidate): RuleTestCandidate {
  return { provider: c.provider.id, model: c.model, keyId: c.keyId ?? null };
}

export function testRules(
  input: ParsedRequestOf<'testRules'>,
  config: Config,
  providers: ProviderDirectory,
  plan: Planner,
): RuleTestResult {
  const draft: Config = {
    ...config,
    ...(input.rules ? { rules: input.rules } : {}),
    ...(input.routes ? { routes: input.routes } : {}),
  };
  const { body } = input;
  const model = typeof body.model === 'string' ? body.model : '';
  const promptChars = promptCharsOf(body);
  const maxTokens = maxTokensOf(body);
  const shape = requestShape({
    body,
    model,
    format: input.format,
    client: input.userAgent ?? '',
    stream: body.stream === true,
    promptChars,
    maxTokens,
  });
  const shown = {
    promptTokens: shape.promptTokens,
    hasImages: shape.hasImages,
    hasTools: shape.hasTools,
    thinking: shape.thinking,
    stream: shape.stream,
    maxTokens: maxTokens ?? null,
  };
  const resolution = resolveRequest(shape, input.forcedRoute, draft, providers);
  if (!resolution.ok) {
    return {
      via: null,
      rule: null,
      route: null,
      error: resolution.message,
      shape: shown,
      candidates: [],
      skipped: [],
    };
  }
  const planned = plan({ body, promptChars, maxTokens }, resolution.candidates, resolution.route);
  return {
    via: resolution.via,
    rule: resolution.rule ?? null,
    route: resolution.routeName ?? null,
    error: null,
    shape: shown,
    candidates: planned.candidates.map(candidateOf),
    skipped: planned.skipped.map((s) => ({
      ...candidateOf(s.candidate),
      reason: s.reason,
      message: s.message,
    })),
  };
}
