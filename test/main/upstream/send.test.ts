import { describe, expect, it } from 'vitest';
import { localUpstream } from './localUpstream.ts';

// No import of undici's index here: the Agent the engine loads by its own file must answer
// `send` (streamed answers) without the index's additions to the dispatcher.
const { client, url } = localUpstream((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write('data: {"a":1}\n\n');
  setTimeout(() => res.end('data: [DONE]\n\n'), 5);
});

describe('UpstreamClient.send', () => {
  it('resolves at the headers with the body as a stream', async () => {
    const res = await client.send({
      url: url('/v1/chat/completions'),
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      signal: new AbortController().signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    let text = '';
    for await (const chunk of res.body) text += String(chunk);
    expect(text).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
  });
});
