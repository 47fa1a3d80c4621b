/**
 * A config with many routes, as a file would hold it before parsing: each route sends one model
 * to Groq through one of the provider's keys (a key per hundred routes), so both the route
 * lookups and the key lookups of a config load are exercised.
 */
export function manyRoutesConfig(routes: number): Record<string, unknown> {
  const keyCount = Math.max(1, Math.floor(routes / 100));
  const keys = Array.from({ length: keyCount }, (_, i) => ({
    id: `groq-${i}`,
    provider: 'groq',
    label: `Groq ${i}`,
    secret: { env: `GROQ_KEY_${i}` },
  }));
  return {
    version: 1,
    keys,
    routes: Array.from({ length: routes }, (_, i) => ({
      name: `route-${i}`,
      targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant', key: `groq-${i % keyCount}` }],
    })),
  };
}

/**
 * The provider the proxy benchmarks route to: Groq's catalog entry with its address pointed at the
 * benchmark's upstream, which answers with Groq's rate-limit headers (upstreamServer.ts). So the
 * engine does per request what it does for the free tiers it exists for: it reads the headers,
 * counts the windows they name and journals each take before the request goes upstream. A custom
 * provider reads no headers and counts nothing, which no free tier's key is.
 */
export const BENCH_PROVIDER = 'groq';

/**
 * Groq's rate-limit headers (PROVIDERS.md: `limit-requests` counts a day, `limit-tokens` a minute),
 * which the bench upstream (upstreamServer.ts) sends on every answer as Groq does, with limits no benchmark reaches.
 */
export const BENCH_RATE_LIMIT_HEADERS = {
  'x-ratelimit-limit-requests': '1000000000',
  'x-ratelimit-remaining-requests': '999999999',
  'x-ratelimit-reset-requests': '2m59.56s',
  'x-ratelimit-limit-tokens': '1000000000',
  'x-ratelimit-remaining-tokens': '999999000',
  'x-ratelimit-reset-tokens': '7.66s',
};

/**
 * The config the proxy benchmarks serve with: {@link BENCH_PROVIDER} at the benchmark's upstream
 * (`upstreamUrl`, without /v1), its key read from BENCH_UPSTREAM_KEY, and the route "bench".
 */
export function benchUpstreamConfig(
  upstreamUrl: string,
  settings?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    version: 1,
    providers: { [BENCH_PROVIDER]: { baseUrl: `${upstreamUrl}/v1` } },
    keys: [
      {
        id: 'bench-key',
        provider: BENCH_PROVIDER,
        label: 'bench',
        secret: { env: 'BENCH_UPSTREAM_KEY' },
      },
    ],
    routes: [{ name: 'bench', targets: [{ provider: BENCH_PROVIDER, model: 'bench-model' }] }],
    ...(settings ? { settings } : {}),
  };
}
