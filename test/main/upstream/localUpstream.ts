import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { UpstreamClient } from '../../../main/upstream/client.ts';

/**
 * A loopback upstream answering with `handler`, and the UpstreamClient the file's tests send
 * through; both are closed after them. `url(path)` names a path on the upstream.
 */
export function localUpstream(handler: RequestListener): {
  client: UpstreamClient;
  url: (path: string) => string;
} {
  let server: Server | undefined;
  let base = '';
  const client = new UpstreamClient();
  beforeAll(async () => {
    const listening = createServer(handler);
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await client.close();
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
  });
  return { client, url: (path) => `${base}${path}` };
}
