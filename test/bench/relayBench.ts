// npm run bench -- relay: the stream relays alone, in this process (no sockets): milliseconds to
// relay a 2,000-chunk stream read in 20 KB pieces, decoding and the secret mask included, best of
// BENCH_ROUNDS rounds of 20 (BENCH_PIECE_BYTES=200 reads about one event per piece). Steadier than the proxy bench's streaming rows on a busy machine, so
// it is the one to compare two versions of the relay code with. BENCH_ONLY picks rows by name.
import type { ProxyRequest } from '../../app/formats/proxyRequest.ts';
import { loadShippedCatalog } from '../../main/engine/providerDirectory.ts';
import { SecretMask } from '../../main/keys/secretMask.ts';
import { anthropicPassthroughRelay } from '../../main/proxy/adapters/anthropic.ts';
import { GEMINI_CALLER } from '../../main/proxy/adapters/geminiCaller.ts';
import { openAiPassthroughRelay } from '../../main/proxy/adapters/openai.ts';
import type { StreamRelay } from '../../main/proxy/codec.ts';
import { codecFor } from '../../main/proxy/codecs.ts';
import { DEFAULT_CATALOG_PATH } from '../../main/proxy/proxyService.ts';
import type { HubRequest } from '../../main/proxy/adapter.ts';
import { responsesPassthrough } from '../../main/proxy/responsesPassthrough.ts';

const CHUNKS = 2000;
const PIECE_BYTES = Number(process.env.BENCH_PIECE_BYTES ?? 20_000);

const openAiChunk = (delta: object, finish: string | null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'bench-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const OPENAI_STREAM = [
  ...Array.from({ length: CHUNKS }, (_, i) =>
    openAiChunk(i === 0 ? { role: 'assistant', content: 'tok0 ' } : { content: `tok${i} ` }, null),
  ),
  openAiChunk({}, 'stop'),
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'bench-model', choices: [], usage: { prompt_tokens: 5, completion_tokens: CHUNKS, total_tokens: CHUNKS + 5 } })}\n\n`,
  'data: [DONE]\n\n',
].join('');

const anthropicEvent = (type: string, data: object) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const ANTHROPIC_STREAM = [
  anthropicEvent('message_start', {
    message: {
      id: 'm',
      type: 'message',
      role: 'assistant',
      content: [],
      usage: { input_tokens: 5, output_tokens: 1 },
    },
  }),
  anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ...Array.from({ length: CHUNKS }, (_, i) =>
    anthropicEvent('content_block_delta', {
      index: 0,
      delta: { type: 'text_delta', text: `tok${i} ` },
    }),
  ),
  anthropicEvent('content_block_stop', { index: 0 }),
  anthropicEvent('message_delta', {
    delta: { stop_reason: 'end_turn' },
    usage: { output_tokens: CHUNKS },
  }),
  anthropicEvent('message_stop', {}),
].join('');

const responsesEvent = (type: string, sequence: number, data: object) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...data })}\n\n`;
const RESPONSE = { id: 'resp_1', object: 'response', status: 'in_progress', output: [] };
const RESPONSES_STREAM = [
  responsesEvent('response.created', 0, { response: RESPONSE }),
  ...Array.from({ length: CHUNKS }, (_, i) =>
    responsesEvent('response.output_text.delta', i + 1, {
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: `tok${i} `,
    }),
  ),
  responsesEvent('response.completed', CHUNKS + 1, {
    response: {
      ...RESPONSE,
      status: 'completed',
      usage: { input_tokens: 5, output_tokens: CHUNKS },
    },
  }),
].join('');

const geminiChunk = (text: string, out: number, finish?: string) =>
  `data: ${JSON.stringify({
    candidates: [
      {
        content: { role: 'model', parts: [{ text }] },
        index: 0,
        ...(finish ? { finishReason: finish } : {}),
      },
    ],
    usageMetadata: { promptTokenCount: 5, candidatesTokenCount: out, totalTokenCount: 5 + out },
    modelVersion: 'gemini-2.5-flash',
  })}\n\n`;
const GEMINI_CHUNKS = [
  ...Array.from({ length: CHUNKS }, (_, i) => geminiChunk(`tok${i} `, i + 1)),
  geminiChunk('', CHUNKS, 'STOP'),
];
const GEMINI_STREAM = GEMINI_CHUNKS.join('');
/** As Google frames `alt=sse`: CRLF line ends. */
const GEMINI_CRLF_STREAM = GEMINI_STREAM.replaceAll('\n', '\r\n');
/** The same chunks as Google's default JSON array (`streamGenerateContent` without `alt=sse`). */
const GEMINI_ARRAY_STREAM = `[${GEMINI_CHUNKS.map((c) => c.slice('data: '.length, -2)).join(',\r\n')}]`;

function pieces(text: string): Buffer[] {
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += PIECE_BYTES) out.push(bytes.subarray(i, i + PIECE_BYTES));
  return out;
}

const mask = new SecretMask(() => [
  'sy-bench-proxy-key',
  'bench-upstream-key',
  'bench-admin-token-0123456789',
]);

/** One stream through a fresh relay, as streamCommit.ts drives it: decode, push, mask. */
function relayOnce(make: () => StreamRelay, input: Buffer[]): number {
  const relay = make();
  const decoder = new TextDecoder();
  let sent = 0;
  for (const piece of input) {
    const step = relay.push(decoder.decode(piece, { stream: true }));
    if (step.error) throw new Error(step.error.message);
    // Two parts are masked and written apart, as streamCommit.ts sends them.
    sent +=
      step.parts === undefined
        ? mask.mask(step.out).length
        : mask.mask(step.parts[0]).length + mask.mask(step.parts[1]).length;
  }
  const last = relay.end();
  if (last.error) throw new Error(last.error.message);
  // The usage is read once per stream, when the recorder asks (streamCommit.ts).
  relay.usage();
  return sent + mask.mask(last.out).length;
}

function best(make: () => StreamRelay, input: Buffer[], rounds: number): number {
  for (let i = 0; i < 50; i++) relayOnce(make, input);
  let fastest = Infinity;
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 20; i++) relayOnce(make, input);
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - started) / 1e6 / 20);
  }
  return fastest;
}

const provider = loadShippedCatalog(DEFAULT_CATALOG_PATH).providers.find((p) => p.id === 'openai')!;
const request = {
  id: 'r',
  kind: 'messages',
  inbound: 'anthropic',
  body: { model: 'x', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
  model: 'x',
  stream: true,
  promptChars: 2,
  maxTokens: 10,
  receivedAt: 0,
} as ProxyRequest;
const translated = codecFor(request, { provider, model: 'm', keyId: 'k', tier: 'free' });
if ('unsupported' in translated) throw new Error(translated.unsupported);

const responses = responsesPassthrough(
  {
    ...request,
    kind: 'responses',
    inbound: 'responses',
    body: { model: 'x', input: 'hi', store: false },
  } as HubRequest,
  provider,
);

const geminiProvider = loadShippedCatalog(DEFAULT_CATALOG_PATH).providers.find(
  (p) => p.id === 'gemini',
)!;
const geminiRequest = {
  ...request,
  kind: 'generate',
  inbound: 'gemini',
  body: { contents: [] },
} as unknown as HubRequest;
const gemini = GEMINI_CALLER.passthrough(geminiRequest, geminiProvider);
const geminiArray = GEMINI_CALLER.passthrough(
  { ...geminiRequest, jsonArrayStream: true } as HubRequest,
  geminiProvider,
);
/** What the JSON-array caller's codec asks the upstream for: SSE, or the array itself. */
const geminiArrayUpstream = geminiArray.url(geminiProvider, 'm', true).includes('alt=sse')
  ? GEMINI_STREAM
  : GEMINI_ARRAY_STREAM;
const translatedRelay = () => translated.relay('m');

const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const cases: Array<[string, () => StreamRelay, Buffer[]]> = [
  [
    'OpenAI → OpenAI (same format, usage chunk dropped)',
    () => openAiPassthroughRelay(true),
    pieces(OPENAI_STREAM),
  ],
  [
    'Anthropic → Anthropic (same format)',
    () => anthropicPassthroughRelay(),
    pieces(ANTHROPIC_STREAM),
  ],
  ['Responses → Responses (same format)', () => responses.relay('m'), pieces(RESPONSES_STREAM)],
  ['Gemini → Gemini (same format, SSE)', () => gemini.relay('m'), pieces(GEMINI_STREAM)],
  [
    'Gemini → Gemini (same format, SSE with CRLF, as Google sends it)',
    () => gemini.relay('m'),
    pieces(GEMINI_CRLF_STREAM),
  ],
  [
    'Gemini → Gemini (same format, JSON array caller)',
    () => geminiArray.relay('m'),
    pieces(geminiArrayUpstream),
  ],
  ['OpenAI upstream → Anthropic caller (translated)', translatedRelay, pieces(OPENAI_STREAM)],
];
// BENCH_ONLY: the rows whose name holds this text (e.g. to profile one relay).
const only = process.env.BENCH_ONLY;
const rows = cases
  .filter(([name]) => only === undefined || name.includes(only))
  .map(([name, make, input]): [string, number] => [name, best(make, input, rounds)]);
console.log(
  `\nStream relays in-process: ms per ${CHUNKS.toLocaleString('en')}-chunk stream in ${PIECE_BYTES / 1000} KB pieces, best of ${rounds} rounds of 20.`,
);
console.log('Reproduce: npm run bench -- relay   (BENCH_ROUNDS to change the rounds)\n');
console.log('| relay | ms per stream | µs per chunk |\n|---|---|---|');
for (const [name, ms] of rows)
  console.log(`| ${name} | ${ms.toFixed(3)} | ${((1000 * ms) / CHUNKS).toFixed(2)} |`);
