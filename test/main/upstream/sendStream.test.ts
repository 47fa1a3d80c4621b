import { describe, expect, it } from 'vitest';
import { transportFailureOf, type UpstreamRequest } from '../../../main/upstream/client.ts';
import { HookedAbortController } from '../../../main/upstream/hookedAbort.ts';
import { localUpstream } from './localUpstream.ts';

const { client, url } = localUpstream((req, res) => {
  if (req.url === '/slow-body') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {}\n\n');
  }
  // '/silent' never answers.
});

/** A streamed request cancelled through its controller's hook, as an attempt sends one. */
const request = (path: string, controller: HookedAbortController): UpstreamRequest => ({
  url: url(path),
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: '{}',
  signal: controller.signal,
  controller,
});

describe('UpstreamClient.send with a hooked controller', () => {
  it('is cancelled before the headers, when cancelled already, and after the headers', async () => {
    const before = new HookedAbortController();
    const pending = client.send(request('/silent', before));
    before.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });

    const already = new HookedAbortController();
    already.abort();
    await expect(client.send(request('/slow-body', already))).rejects.toMatchObject({
      kind: 'aborted',
    });

    const after = new HookedAbortController();
    const answer = await client.send(request('/slow-body', after));
    expect(answer.status).toBe(200);
    const read = (async () => {
      for await (const _chunk of answer.body) after.abort();
    })();
    const failure = await read.then(
      () => undefined,
      (err: unknown) => transportFailureOf(err, after.signal),
    );
    expect(failure?.kind).toBe('aborted');
  });
});
