/**
 * `switchyard serve` (spawned from source, ephemeral port) in front of one mock upstream, for the
 * real clients of the conformance suite. The config routes every model name Claude Code sends:
 * `claude-opus-*` and `claude-sonnet-*` by alias to "main", anything else to "quick" as the
 * default route; both reach the same upstream, so a test can tell which rule answered.
 */
import { rm } from 'node:fs/promises';
import type { RequestListItem } from '../../app/admin/types.ts';
import { dataFolder } from '../harness/dataFolder.ts';
import { adminTokenOf, serveFromSource, type ServedEngine } from '../main/cli/serveHarness.ts';
import { startMockProvider } from '../mocks/mockProvider.ts';
import type { LoggedRequest, MockBehavior, MockProvider } from '../mocks/types.ts';

export type UpstreamFormat = 'anthropic' | 'openai' | 'gemini';
export const UPSTREAM_FORMATS: readonly UpstreamFormat[] = ['anthropic', 'openai', 'gemini'];

/** A catalog provider and model per upstream format. */
const UPSTREAM: Record<UpstreamFormat, { provider: string; model: string }> = {
  anthropic: { provider: 'anthropic', model: 'claude-haiku-4-5' },
  openai: { provider: 'openai', model: 'gpt-4o-mini' },
  gemini: { provider: 'gemini', model: 'gemini-2.5-flash' },
};

const UPSTREAM_KEY_ENV = 'SY_CONFORMANCE_UPSTREAM_KEY';

export interface ConformanceEngine {
  format: UpstreamFormat;
  mock: MockProvider;
  /** The origin Anthropic clients take as their base URL (they add `/v1/messages`). */
  anthropicBaseUrl: string;
  proxyKey: string;
  /** The upstream requests that asked for a chat answer (not a token count). */
  chatRequests: () => LoggedRequest[];
  /** The upstream requests that asked for a token count. */
  countRequests: () => LoggedRequest[];
  /** The engine's request log, newest first. */
  requestLog: () => Promise<RequestListItem[]>;
  stop: () => Promise<void>;
}

function isCount(request: LoggedRequest): boolean {
  return request.path.includes('count_tokens') || request.path.includes(':countTokens');
}

function isChat(request: LoggedRequest): boolean {
  return (
    request.method === 'POST' &&
    !isCount(request) &&
    /\/messages$|\/chat\/completions$|\/responses$|:(stream)?generateContent/i.test(
      request.path.split('?')[0] ?? '',
    )
  );
}

/** Starts a mock upstream in `format` and `switchyard serve` routed to it. */
export async function startConformanceEngine(
  format: UpstreamFormat,
  behavior: MockBehavior = {},
): Promise<ConformanceEngine> {
  const { provider, model } = UPSTREAM[format];
  const mock = await startMockProvider({ format, ...behavior });
  const target = { provider, model };
  const dataDir = await dataFolder(`conformance-${format}`, {
    'config.json': {
      version: 1,
      settings: { defaultRoute: 'quick' },
      providers: { [provider]: { baseUrl: mock.url } },
      keys: [{ id: 'upstream', provider, label: 'upstream', secret: { env: UPSTREAM_KEY_ENV } }],
      routes: [
        { name: 'main', aliases: ['claude-opus-*', 'claude-sonnet-*'], targets: [target] },
        { name: 'quick', targets: [target] },
      ],
    },
  });
  let served: ServedEngine;
  try {
    served = await serveFromSource(
      [],
      { [UPSTREAM_KEY_ENV]: `conformance-upstream-${format}-0000` },
      { dataDir },
    );
  } catch (err) {
    await mock.close();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const adminToken = adminTokenOf(served.ready.dashboard);
  return {
    format,
    mock,
    anthropicBaseUrl: served.ready.url,
    proxyKey: served.ready.proxyKey,
    chatRequests: () => mock.requests.filter(isChat),
    countRequests: () => mock.requests.filter(isCount),
    requestLog: async () => {
      const res = await fetch(`${served.ready.url}/admin/requests`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      return ((await res.json()) as { items: RequestListItem[] }).items;
    },
    stop: async () => {
      if (served.child.exitCode === null && served.child.signalCode === null) await served.stop();
      await mock.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
