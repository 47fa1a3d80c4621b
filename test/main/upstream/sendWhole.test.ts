import { describe, expect, it } from 'vitest';
import { transportFailureOf, type WholeRequest } from '../../../main/upstream/client.ts';
import { HookedAbortController } from '../../../main/upstream/hookedAbort.ts';
import { localUpstream } from './localUpstream.ts';

const { client, url } = localUpstream((req, res) => {
  switch (req.url) {
    case '/chunks':
      res.writeHead(200, { 'content-type': 'application/json', 'x-seen': 'yes' });
      res.write('{"a":');
      setTimeout(() => res.end('"€"}'), 5);
      return;
    case '/big-error':
      res.writeHead(500);
      res.end('e'.repeat(64));
      return;
    case '/cut':
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 5);
      return;
    case '/slow-body':
      res.writeHead(200);
      res.write('{');
      return;
    case '/silent':
      return;
  }
});

const request = (path: string, controller = new HookedAbortController()): WholeRequest => ({
  url: url(path),
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: '{}',
  controller,
});
const limit = (status: number) => (status === 200 ? 1024 : 16);

describe('UpstreamClient.sendWhole', () => {
  it('resolves at the headers, then the whole body as text', async () => {
    const answer = await client.sendWhole(request('/chunks'), limit);
    expect(answer.status).toBe(200);
    expect(answer.headers['x-seen']).toBe('yes');
    await expect(answer.text).resolves.toBe('{"a":"€"}');
  });

  it('bounds the body by the limit its status was given', async () => {
    const answer = await client.sendWhole(request('/big-error'), limit);
    expect(answer.status).toBe(500);
    await expect(answer.text).rejects.toThrow("the provider's answer exceeded 16 bytes");
  });

  it('rejects the text of a body cut off mid-way, as a reset', async () => {
    const answer = await client.sendWhole(request('/cut'), limit);
    const failure = await answer.text.then(
      () => undefined,
      (err: unknown) => transportFailureOf(err),
    );
    expect(failure?.kind).toBe('reset');
  });

  it('is cancelled by its controller, before the headers and after them', async () => {
    const before = new HookedAbortController();
    const pending = client.sendWhole(request('/silent', before), limit);
    before.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });

    const already = new HookedAbortController();
    already.abort();
    await expect(client.sendWhole(request('/chunks', already), limit)).rejects.toMatchObject({
      kind: 'aborted',
    });

    const after = new HookedAbortController();
    const answer = await client.sendWhole(request('/slow-body', after), limit);
    after.abort();
    const failure = await answer.text.then(
      () => undefined,
      (err: unknown) => transportFailureOf(err, after.signal),
    );
    expect(failure?.kind).toBe('aborted');
  });
});
