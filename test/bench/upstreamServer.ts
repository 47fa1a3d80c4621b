// A minimal OpenAI-format upstream for benchmarks: a fixed answer, as fast as node:http allows,
// so what the benchmark measures is the proxy in front of it. Prints its port on stdout.
import { createServer } from 'node:http';

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

// The engine lists each key's models at start (model discovery); answer as a provider would.
const MODELS = JSON.stringify({
  object: 'list',
  data: [{ id: 'bench-model', object: 'model', owned_by: 'bench' }],
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
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { stream?: boolean };
    if (body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const part of STREAM) res.write(part);
      res.end();
      return;
    }
    res.writeHead(200, {
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
