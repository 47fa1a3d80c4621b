/** The route's plan for one request now: what the dispatcher and the token count ask first. */
import type { Route } from '../../app/config/schema.ts';
import { collectText, type ProxyRequest } from '../../app/formats/proxyRequest.ts';
import { EMPTY_LIMITER_STATE } from '../../app/limiter/state.ts';
import { detectSensitive } from '../../app/privacy/detect.ts';
import { planRoute, type RequestFacts, type RoutePlan } from '../../app/routing/plan.ts';
import { PromptImages } from '../../app/routing/requestShape.ts';
import type { ConfigStore } from '../config/configFile.ts';
import type { LimiterGate } from '../engine/limiterGate.ts';
import type { Candidate } from '../engine/targets.ts';

export type PlanContext = {
  config: ConfigStore;
  /** The limiter's state; none: every target has room. */
  limiter: LimiterGate | undefined;
  /** Today's paid spend per route, for paid budgets. */
  paidSpendToday?: (route: string) => number;
  clock: () => number;
};

/** What the plan reads of a request; whether it holds an image only if a text-only model asks. */
class Facts extends PromptImages implements RequestFacts {
  readonly promptChars: number;
  readonly maxTokens: number | undefined;
  readonly hasTools: boolean;
  readonly sensitive: boolean;

  constructor(
    req: Pick<ProxyRequest, 'promptChars' | 'maxTokens'> & { body: Record<string, unknown> },
    sensitive: boolean,
  ) {
    super(req.body);
    const tools = req.body.tools;
    this.promptChars = req.promptChars;
    this.maxTokens = req.maxTokens;
    this.hasTools = Array.isArray(tools) && tools.length > 0;
    this.sensitive = sensitive;
  }
}

/** The plan for a request: its facts read once here, the decision is app/routing/plan.ts's. */
export function planRequest(
  context: PlanContext,
  timeZone: () => string,
  req: Pick<ProxyRequest, 'promptChars' | 'maxTokens'> & { body: Record<string, unknown> },
  candidates: readonly Candidate[],
  route: Route | undefined,
): RoutePlan<Candidate> {
  const settings = context.config.current.settings;
  return planRoute({
    candidates,
    route,
    limiter: context.limiter?.state() ?? EMPTY_LIMITER_STATE,
    request: new Facts(
      req,
      // Scanning the prompt costs a pass over it: only when the user asked for it.
      settings.detectSensitive &&
        detectSensitive(
          collectText([req.body.messages, req.body.system, req.body.prompt, req.body.input]).join(
            '\n',
          ),
        ).sensitive,
    ),
    detectSensitive: settings.detectSensitive,
    paidSpendTodayUsd: route && context.paidSpendToday ? context.paidSpendToday(route.name) : 0,
    now: context.clock(),
    timeZone,
  });
}

/**
 * `planRequest` bound to one engine's context and the user's time zone, read once when a plan
 * first needs it (a spent paid budget): never at start, where it would load ICU's zone data.
 */
export function requestPlanner(context: PlanContext) {
  let zone: string | undefined;
  const timeZone = () => (zone ??= Intl.DateTimeFormat().resolvedOptions().timeZone);
  return (
    req: Pick<ProxyRequest, 'promptChars' | 'maxTokens'> & { body: Record<string, unknown> },
    candidates: readonly Candidate[],
    route: Route | undefined,
  ) => planRequest(context, timeZone, req, candidates, route);
}
