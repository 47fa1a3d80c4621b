// A minimal OpenAI-format upstream for benchmarks: a fixed answer, as fast as node:http allows,
// so what the benchmark measures is the proxy in front of it. Prints its port on stdout.
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { BENCH_RATE_LIMIT_HEADERS } from './configFixture.ts';

const ANSWER = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'pong' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
});

const chunk = (delta: object, finish: string | null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'bench-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const STREAM = [
  chunk({ role: 'assistant', content: '' }, null),
  chunk({ content: 'po' }, null),
  chunk({ content: 'ng' }, null),
  chunk({}, 'stop'),
  'data: [DONE]\n\n',
];

/**
 * `model: "bench-long"`: a 2,000-chunk answer (the streaming rows, longStream.ts), then the finish
 * chunk, usage when asked for, and `[DONE]`.
 */
const LONG_MODEL = 'bench-long';
const LONG_CHUNKS = 2000;
const LONG_STREAM = Array.from({ length: LONG_CHUNKS }, (_, i) =>
  chunk(i === 0 ? { role: 'assistant', content: 'tok0 ' } : { content: `tok${i} ` }, null),
);
const LONG_USAGE = `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: LONG_MODEL, choices: [], usage: { prompt_tokens: 5, completion_tokens: LONG_CHUNKS, total_tokens: LONG_CHUNKS + 5 } })}\n\n`;

/**
 * Events per socket write (BENCH_LONG_BATCH): 100 (about 20 KB) keeps the upstream cheap, so the
 * rows measure the relay, as a fast model streaming through a busy machine would.
 */
const LONG_BATCH = Number(process.env.BENCH_LONG_BATCH ?? 100);

async function writeLong(res: ServerResponse, usage: boolean): Promise<void> {
  res.writeHead(200, { ...BENCH_RATE_LIMIT_HEADERS, 'content-type': 'text/event-stream' });
  const parts = [
    ...LONG_STREAM,
    chunk({}, 'stop'),
    ...(usage ? [LONG_USAGE] : []),
    'data: [DONE]\n\n',
  ];
  for (let i = 0; i < parts.length; i += LONG_BATCH) {
    if (res.destroyed) return;
    if (!res.write(parts.slice(i, i + LONG_BATCH).join(''))) await once(res, 'drain');
    await new Promise((resolve) => setImmediate(resolve));
  }
  res.end();
}

// The engine lists each key's models at start (model discovery); answer as a provider would.
const MODELS = JSON.stringify({
  object: 'list',
  data: [
    { id: 'bench-model', object: 'model', owned_by: 'bench' },
    { id: LONG_MODEL, object: 'model', owned_by: 'bench' },
  ],
});

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(MODELS),
    });
    res.end(MODELS);
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      model?: string;
      stream?: boolean;
      stream_options?: { include_usage?: boolean };
    };
    if (body.stream && body.model === LONG_MODEL) {
      void writeLong(res, body.stream_options?.include_usage === true);
      return;
    }
    if (body.stream) {
      res.writeHead(200, { ...BENCH_RATE_LIMIT_HEADERS, 'content-type': 'text/event-stream' });
      for (const part of STREAM) res.write(part);
      res.end();
      return;
    }
    res.writeHead(200, {
      ...BENCH_RATE_LIMIT_HEADERS,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(ANSWER),
    });
    res.end(ANSWER);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => process.exit(0));
