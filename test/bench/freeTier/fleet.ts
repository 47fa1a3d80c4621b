// The providers of the simulation: four free tiers with their published limits and a paid
// fallback, each a mock provider on loopback that enforces its limits on the simulation's clock
// and answers in its own wire format, headers and error bodies. Also the catalog entries the
// limiter reads, and the transport that sends one attempt and charges its round trip.

import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request } from 'undici';
import type { Provider } from '../../../app/catalog/schema.ts';
import type { KeyTier } from '../../../app/limiter/state.ts';
import { startMockProvider } from '../../mocks/mockProvider.ts';
import type { MockDialect, MockFormat, MockLimits, MockProvider } from '../../mocks/types.ts';
import type { TraceRequest } from './trace.ts';
import type { VirtualTime } from './virtualTime.ts';

export interface MemberSpec {
  id: string;
  name: string;
  model: string;
  format: MockFormat;
  dialect: MockDialect;
  limits: MockLimits;
  tier: KeyTier;
  /** Time to a whole (non-streamed) answer, ms: uniform between the two. */
  latencyMs: [number, number];
  freeTier?: Provider['freeTier'];
  pricePerMTokIn?: number;
  pricePerMTokOut?: number;
}

/** The published free limits (PROVIDERS.md section 6), and a paid gpt-4o-mini behind them. */
export const MEMBERS: readonly MemberSpec[] = [
  {
    id: 'groq',
    name: 'Groq',
    model: 'llama-3.1-8b-instant',
    format: 'openai',
    dialect: 'groq',
    limits: { rpm: 30, rpd: 14_400 },
    tier: 'free',
    latencyMs: [250, 700],
    freeTier: { description: 'Free plan', reset: { kind: 'unknown' }, scope: 'org' },
  },
  {
    id: 'cerebras',
    name: 'Cerebras',
    model: 'llama3.1-8b',
    format: 'openai',
    dialect: 'cerebras',
    limits: { rpm: 30 },
    tier: 'free',
    latencyMs: [200, 600],
    freeTier: { description: 'Free trial', reset: { kind: 'rolling' }, scope: 'org' },
  },
  {
    id: 'gemini',
    name: 'Gemini',
    model: 'gemini-2.0-flash',
    format: 'gemini',
    dialect: 'none',
    limits: { rpm: 15, rpd: 1500 },
    tier: 'free',
    latencyMs: [600, 1800],
    freeTier: {
      description: 'Free tier per project',
      reset: { kind: 'daily', time: '00:00', timeZone: 'America/Los_Angeles' },
      scope: 'project',
    },
  },
  {
    id: 'openrouter',
    name: 'OpenRouter',
    model: 'meta-llama/llama-3.3-70b-instruct:free',
    format: 'openai',
    dialect: 'openrouter',
    limits: { rpm: 20, rpd: 50 },
    tier: 'free',
    latencyMs: [800, 2500],
    freeTier: {
      description: ':free variants',
      reset: { kind: 'daily', time: '00:00', timeZone: 'UTC' },
      scope: 'account',
    },
  },
  {
    id: 'openai',
    name: 'OpenAI (paid)',
    model: 'gpt-4o-mini',
    format: 'openai',
    dialect: 'openai',
    limits: { rpm: 500 },
    tier: 'paid',
    latencyMs: [500, 1500],
    pricePerMTokIn: 0.15,
    pricePerMTokOut: 0.6,
  },
];

/** A refused request still costs a round trip: connection, gateway, error body. */
const REFUSAL_LATENCY_MS: [number, number] = [60, 250];

export interface Member {
  spec: MemberSpec;
  mock: MockProvider;
  /** The catalog entry the limiter and planner read. */
  provider: Provider;
  keyId: string;
  key: string;
}

export interface AttemptResult {
  ok: boolean;
  /** HTTP status, or 0 when the exchange failed. */
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
  usage?: { tokensIn: number; tokensOut: number };
}

export interface Fleet {
  members: Member[];
  byId: Map<string, Member>;
  /** Sends one attempt; resolves after the simulated round trip. */
  send(member: Member, req: TraceRequest): Promise<AttemptResult>;
  /** Requests each provider refused with 429. */
  refusals(): Map<string, number>;
  close(): Promise<void>;
}

function catalogEntry(spec: MemberSpec, baseUrl: string): Provider {
  return {
    id: spec.id,
    name: spec.name,
    baseUrl,
    format: spec.format,
    auth: spec.format === 'gemini' ? 'x-goog-api-key' : 'bearer',
    headerDialect: spec.dialect === 'none' ? 'none' : spec.dialect,
    quirks: {},
    local: false,
    keyEnv: [],
    models: [
      {
        id: spec.model,
        kind: 'chat',
        free: spec.tier === 'free',
        contextWindow: 131_072,
        ...(spec.tier === 'free' ? { limits: { ...spec.limits } } : {}),
        ...(spec.pricePerMTokIn === undefined ? {} : { pricePerMTokIn: spec.pricePerMTokIn }),
        ...(spec.pricePerMTokOut === undefined ? {} : { pricePerMTokOut: spec.pricePerMTokOut }),
      },
    ],
    ...(spec.freeTier === undefined ? {} : { freeTier: spec.freeTier }),
    dataPolicy: {
      trainsOnFreeInputs: 'unknown',
      trainsOnPaidInputs: 'no',
      retention: 'unknown',
      zeroDataRetention: 'unknown',
      jurisdiction: 'unknown',
    },
    sources: [],
  };
}

/** The short text actually sent: the mock echoes it, and its size does not matter here. */
function userText(req: TraceRequest): string {
  return `request ${req.id}: refactor the function below`;
}

function usageOf(body: unknown): AttemptResult['usage'] {
  const b = body as {
    usage?: { prompt_tokens?: number; completion_tokens?: number };
    usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number };
  } | null;
  if (b?.usage !== undefined) {
    return { tokensIn: b.usage.prompt_tokens ?? 0, tokensOut: b.usage.completion_tokens ?? 0 };
  }
  if (b?.usageMetadata !== undefined) {
    return {
      tokensIn: b.usageMetadata.promptTokenCount ?? 0,
      tokensOut: b.usageMetadata.candidatesTokenCount ?? 0,
    };
  }
  return undefined;
}

export async function startFleet(
  time: VirtualTime,
  random: () => number,
  seed: number,
): Promise<Fleet> {
  const members: Member[] = [];
  for (const [i, spec] of MEMBERS.entries()) {
    const key = `sim-${spec.id}-key-${String(1000 + i)}`;
    const mock = await startMockProvider({
      format: spec.format,
      dialect: spec.dialect,
      keys: [{ key, label: `${spec.id}-key` }],
      limits: spec.limits,
      now: time.now,
      seed: seed + i,
    });
    const baseUrl = spec.format === 'openai' ? mock.url : `${mock.origin}/v1beta`;
    members.push({
      spec,
      mock,
      provider: catalogEntry(spec, baseUrl),
      keyId: `${spec.id}-key`,
      key,
    });
  }
  const agent = new Agent({ connections: 32, pipelining: 1 });
  const between = ([min, max]: [number, number]) => min + random() * (max - min);

  async function exchange(member: Member, req: TraceRequest): Promise<AttemptResult> {
    const { spec, mock, key } = member;
    const gemini = spec.format === 'gemini';
    const url = gemini
      ? `${mock.origin}/v1beta/models/${spec.model}:generateContent`
      : `${mock.url}/chat/completions`;
    const body = gemini
      ? {
          contents: [{ role: 'user', parts: [{ text: userText(req) }] }],
          generationConfig: { maxOutputTokens: req.maxTokens },
        }
      : {
          model: spec.model,
          messages: [{ role: 'user', content: userText(req) }],
          max_tokens: req.maxTokens,
        };
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          'content-type': 'application/json',
          ...(gemini ? { 'x-goog-api-key': key } : { authorization: `Bearer ${key}` }),
        },
        body: JSON.stringify(body),
      });
      const text = await res.body.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // An error body that is not JSON is kept as text, as the classifier expects.
      }
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      const result: AttemptResult = {
        ok,
        status: res.statusCode,
        headers: res.headers,
        body: parsed,
      };
      const usage = ok ? usageOf(parsed) : undefined;
      if (usage !== undefined) result.usage = usage;
      return result;
    } catch (error) {
      return { ok: false, status: 0, headers: {}, body: String(error) };
    }
  }

  return {
    members,
    byId: new Map(members.map((m) => [m.spec.id, m])),
    async send(member, req) {
      const result = await time.track(() => exchange(member, req));
      await time.sleep(between(result.ok ? member.spec.latencyMs : REFUSAL_LATENCY_MS));
      return result;
    },
    refusals() {
      return new Map(
        members.map((m) => [m.spec.id, m.mock.requests.filter((r) => r.status === 429).length]),
      );
    },
    async close() {
      await Promise.all(members.map((m) => m.mock.close()));
      await agent.close();
    },
  };
}

/** Estimated USD of a paid answer at the member's prices, from the trace's nominal sizes. */
export function nominalCostUsd(spec: MemberSpec, req: TraceRequest): number {
  const tokensIn = Math.ceil(req.promptChars / 4);
  // Answers use about a third of max_tokens on average in coding traffic.
  const tokensOut = Math.ceil(req.maxTokens / 3);
  return ((spec.pricePerMTokIn ?? 0) * tokensIn + (spec.pricePerMTokOut ?? 0) * tokensOut) / 1e6;
}
