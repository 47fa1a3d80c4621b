import { createServer, type Server } from 'node:http';
import { SessionMemory } from '../../../main/proxy/sessionMemory.ts';
import type { ChatCompletionRequest } from '../../../app/formats/openai.ts';
import type { AddressInfo } from 'node:net';
import { ConfigSchema } from '../../../app/config/schema.ts';
import { EMPTY_LIMITER_STATE } from '../../../app/limiter/state.ts';
import { planRoute } from '../../../app/routing/plan.ts';
import { codecFor } from '../../../main/proxy/codecs.ts';
import { dispatch, type DispatchDeps } from '../../../main/proxy/dispatcher.ts';
import type { RequestSummary } from '../../../main/engine/dispatchReport.ts';
import type { CapacityGate } from '../../../main/engine/capacityGate.ts';
import { createLimiterGate, type LimiterGate } from '../../../main/engine/limiterGate.ts';
import { ProviderDirectory, loadShippedCatalog } from '../../../main/engine/providerDirectory.ts';
import { countTextChars, type RelayedRequest } from '../../../app/formats/proxyRequest.ts';
import { DEFAULT_CATALOG_PATH } from '../../../main/proxy/proxyService.ts';
import { UpstreamClient } from '../../../main/upstream/client.ts';
import { startMockProvider } from '../../mocks/mockProvider.ts';
import type { MockProvider, MockProviderOptions } from '../../mocks/types.ts';

/**
 * The dispatcher on its own, on a loopback server: mock providers, the real codecs, upstream
 * client, plan and limiter gate, with seams a test can replace (the gate, the codecs). Each
 * proxied request is an OpenAI chat request; `summaries` holds what the request log would get.
 */
export type DispatchRig = {
  url: string;
  mocks: Record<string, MockProvider>;
  limiter: LimiterGate;
  summaries: RequestSummary[];
  bugs: Array<{ requestId: string; error: unknown }>;
  /** The sessions affinity remembers. */
  sessions: SessionMemory;
  post: (body: Record<string, unknown>, signal?: AbortSignal) => Promise<Response>;
  close: () => Promise<void>;
};

export type RigSetup = {
  mocks: Record<string, MockProviderOptions>;
  routes: unknown[];
  /** Wraps the real limiter gate (to watch or change what it is asked). */
  gate?: (real: LimiterGate) => CapacityGate;
  codecFor?: DispatchDeps['codecFor'];
  timeouts?: { connectMs?: number; headersMs?: number; idleMs?: number };
};

export async function startDispatchRig(setup: RigSetup): Promise<DispatchRig> {
  const mocks: Record<string, MockProvider> = {};
  for (const [id, options] of Object.entries(setup.mocks))
    mocks[id] = await startMockProvider(options);
  const config = ConfigSchema.parse({
    version: 1,
    providers: Object.fromEntries(
      Object.entries(mocks).map(([id, mock]) => [id, { baseUrl: mock.url }]),
    ),
    keys: Object.keys(mocks).map((id) => ({
      id: `${id}-key`,
      provider: id,
      label: `${id}-key`,
      secret: { env: `SY_RIG_${id.toUpperCase()}` },
      tier: 'paid',
    })),
    routes: setup.routes,
  });
  const providers = new ProviderDirectory(loadShippedCatalog(DEFAULT_CATALOG_PATH), config);
  const limiter = createLimiterGate({ clock: Date.now });
  const upstream = new UpstreamClient(setup.timeouts ?? {});
  const summaries: RequestSummary[] = [];
  const bugs: DispatchRig['bugs'] = [];
  const sessions = new SessionMemory(Date.now);
  const deps: DispatchDeps = {
    config: () => config,
    providers,
    gate: setup.gate ? setup.gate(limiter) : limiter,
    observer: { requestStarted: () => undefined, requestFinished: (s) => summaries.push(s) },
    sessions,
    codecFor: setup.codecFor ?? codecFor,
    plan: (req, candidates, route) =>
      planRoute({
        candidates,
        route,
        limiter: limiter.state() ?? EMPTY_LIMITER_STATE,
        request: { promptChars: req.promptChars, hasTools: false, sensitive: false },
        detectSensitive: false,
        paidSpendTodayUsd: 0,
        now: Date.now(),
      }),
    upstream,
    secret: async (keyId) => `sk-rig-secret-${keyId}`,
    clock: Date.now,
    captureBodies: () => false,
    reportBug: (requestId, error) => bugs.push({ requestId, error }),
    mask: (text) => text,
  };
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const proxyReq: RelayedRequest = {
        id: `req-${++n}`,
        kind: 'chat',
        inbound: 'openai',
        body: body as ChatCompletionRequest,
        model: String(body.model),
        stream: body.stream === true,
        promptChars: countTextChars(body.messages),
        maxTokens: undefined,
        receivedAt: Date.now(),
      };
      void dispatch(deps, proxyReq, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    mocks,
    limiter,
    summaries,
    bugs,
    sessions,
    post: (body, signal) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        ...(signal ? { signal } : {}),
      }),
    close: async () => {
      limiter.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await upstream.close();
      await Promise.all(Object.values(mocks).map((m) => m.close()));
    },
  };
}

/** Resolves once the rig has recorded `count` finished requests. */
export async function finished(rig: DispatchRig, count: number): Promise<RequestSummary[]> {
  for (let i = 0; i < 400 && rig.summaries.length < count; i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  if (rig.summaries.length < count)
    throw new Error(`only ${rig.summaries.length} of ${count} requests finished`);
  return rig.summaries;
}
