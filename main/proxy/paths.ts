/**
 * The proxy's paths as clients spell them. Several tools take a host and add the path
 * themselves, without `/v1`: those paths answer as their `/v1` twins. The dashboard uses hash
 * routes, so none of them is a dashboard page.
 */
const BARE = new Set([
  '/chat/completions',
  '/completions',
  '/responses',
  '/messages',
  '/messages/count_tokens',
  '/embeddings',
  '/models',
]);

/** The path the proxy serves a request under: `/chat/completions` is `/v1/chat/completions`. */
export function canonicalProxyPath(pathname: string): string {
  return BARE.has(pathname) || pathname.startsWith('/responses/') || pathname.startsWith('/models/')
    ? `/v1${pathname}`
    : pathname;
}
