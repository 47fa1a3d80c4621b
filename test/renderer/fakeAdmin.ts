import type { FieldIssue } from '../../app/config/parse.ts';
import { vi } from 'vitest';
import type { RequestDetail, RequestListItem } from '../../app/admin/types.ts';
import type { Route } from '../../app/config/schema.ts';
import type { LimiterView } from '../../app/limiter/view.ts';
import { CATALOG, KEYS, route } from './fixtures.ts';

export const NOW = Date.now();

export const ROUTES: Route[] = [
  route('fast', {
    targets: [
      { provider: 'groq', model: 'llama-3.1-8b-instant' },
      { provider: 'openai', model: 'gpt-4o-mini' },
    ],
    paidBudgetUsdPerDay: 2,
  }),
];

export const QUOTA: LimiterView = {
  at: NOW,
  pools: [
    {
      provider: 'groq',
      keyId: 'groq-1',
      model: 'llama-3.1-8b-instant',
      tier: 'free',
      status: { state: 'cooling', until: NOW + 20_000, reason: '429: rate limited' },
      inFlight: 0,
      windows: [
        {
          window: 'rpm',
          unit: 'requests',
          limit: 30,
          remaining: 0,
          resetAt: NOW + 20_000,
          source: 'headers',
        },
      ],
    },
  ],
};

export const REQUEST: RequestListItem = {
  id: 'req-1',
  startedAt: NOW - 5000,
  kind: 'chat',
  inboundFormat: 'openai',
  requestedModel: 'fast',
  route: 'fast',
  rule: 'background',
  affinity: 'kept on openai key "openai-1" (gpt-4o-mini): same session',
  provider: 'openai',
  keyId: 'openai-1',
  model: 'gpt-4o-mini',
  status: 200,
  failureClass: null,
  error: null,
  headersMs: 300,
  firstTokenMs: 330,
  totalMs: 760,
  tokensIn: 12,
  tokensOut: 40,
  costUsd: 0.00003,
  streamed: false,
  hedged: false,
  clientAborted: false,
  attempts: 2,
};

export const DETAIL: RequestDetail = {
  request: REQUEST,
  attempts: [
    {
      index: 0,
      startedAt: NOW - 5000,
      provider: 'groq',
      model: 'llama-3.1-8b-instant',
      keyId: 'groq-1',
      status: 429,
      outcome: 'failed',
      failureClass: 'transient',
      reason: 'rate limited; cooling for 20 s',
      headersMs: 120,
      firstTokenMs: null,
      totalMs: 120,
      tokensIn: null,
      tokensOut: null,
      costUsd: null,
      hedged: false,
      holdUntil: null,
    },
    {
      index: 1,
      startedAt: NOW - 4870,
      provider: 'openai',
      model: 'gpt-4o-mini',
      keyId: 'openai-1',
      status: 200,
      outcome: 'ok',
      failureClass: null,
      reason: null,
      headersMs: 180,
      firstTokenMs: 210,
      totalMs: 640,
      tokensIn: 12,
      tokensOut: 40,
      costUsd: 0.00003,
      hedged: false,
      holdUntil: null,
    },
  ],
};

function stats(count: number) {
  return {
    count,
    errors: 1,
    latencyP50: 400,
    latencyP95: 900,
    latencyP99: 1000,
    firstTokenP50: 150,
    firstTokenP95: 200,
    tokensPerSecond: 70,
    tokensIn: 100,
    tokensOut: 200,
    costUsd: 0.01,
  };
}

const ANSWERS: Record<string, unknown> = {
  'GET /admin/status': {
    version: '0.1.0',
    proxyUrl: 'http://127.0.0.1:4141/v1',
    dataDir: '/tmp/x',
    configPath: '/tmp/x/config.json',
    configErrors: [],
    startedAt: new Date(NOW).toISOString(),
    paused: false,
  },
  'GET /admin/proxy-key': {
    proxyKey: 'sy-test-proxy-key-123456',
    proxyUrl: 'http://127.0.0.1:4141/v1',
    source: 'env',
  },
  'GET /admin/keychain': { state: 'ok', backend: 'Secret Service', message: 'ok' },
  'GET /admin/catalog': { catalog: CATALOG, problems: [] },
  'GET /admin/providers': {},
  'GET /admin/config': {
    version: 1,
    settings: { detectSensitive: false },
    providers: {},
    keys: [],
    routes: ROUTES,
    rules: [],
  },
  'GET /admin/keys': KEYS,
  'GET /admin/quota': QUOTA,
  'GET /admin/quota/state': { pools: {}, keys: {} },
  'GET /admin/spend/today': { since: NOW - 3_600_000, byRoute: {} },
  'GET /admin/models/watch': { modelWatch: [] },
  'GET /admin/models/discovered': [],
  'GET /admin/requests': { items: [REQUEST], droppedRows: 0 },
  'GET /admin/requests/req-1': DETAIL,
  'GET /admin/live': {
    from: NOW - 900_000,
    to: NOW,
    minutes: [{ t: NOW - (NOW % 60_000), requests: 3, errors: 1, failovers: 1 }],
  },
  'GET /admin/metrics': {
    range: '1h',
    groupBy: 'provider',
    from: NOW - 3_600_000,
    to: NOW,
    stepMs: 60_000,
    series: ['groq', 'openai'].map((group) => ({
      group,
      points: [0, 1, 2].map((i) => ({ ...stats(5), t: NOW - (3 - i) * 60_000 })),
      total: stats(15),
    })),
  },
};

/** A fixture that answers with an HTTP error instead of 200. */
export class Refusal {
  readonly status: number;
  readonly message: string;
  readonly issues: FieldIssue[] | undefined;
  constructor(status: number, message: string, issues?: FieldIssue[]) {
    this.status = status;
    this.message = message;
    this.issues = issues;
  }
}

export type Call = { method: string; url: string; body: unknown };

/**
 * Answers the dashboard's admin calls from fixtures (`"METHOD /path"` → answer; `overrides`
 * win), and returns the list of calls it saw, bodies parsed.
 */
export function fakeAdmin(overrides: Record<string, unknown> = {}): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const name = `${method} ${url.split('?')[0] ?? url}`;
      calls.push({
        method,
        url,
        body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
      });
      const answer = name in overrides ? overrides[name] : ANSWERS[name];
      if (answer instanceof Refusal) {
        const { message, issues } = answer;
        return Response.json(
          { error: { message, ...(issues !== undefined ? { issues } : {}) } },
          { status: answer.status },
        );
      }
      if (answer === undefined) {
        return Response.json({ error: { message: `no fixture for ${name}` } }, { status: 404 });
      }
      return Response.json(answer);
    }),
  );
  return calls;
}

/** What jsdom lacks and the dashboard uses: EventSource and ResizeObserver. */
export function stubBrowser(): void {
  class Source {
    readyState = 0;
    onopen: (() => void) | null = null;
    onerror: (() => void) | null = null;
    addEventListener() {}
    close() {}
  }
  class Observer {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  vi.stubGlobal('EventSource', Source);
  vi.stubGlobal('ResizeObserver', Observer);
}
