// The dashboard store's cost per announced request, for `npm run bench -- dashboard`
// (test/bench/dashboardBench.ts). Here because it runs the renderer's code, typed for the DOM.
import type { RequestListItem } from '../../app/admin/types.ts';
import { BRIDGE_GLOBAL } from '../../app/shell/bridge.ts';
import { createDashboardStore } from '../../renderer/src/store/index.ts';
import { startSync } from '../../renderer/src/store/sync.ts';

const REQUEST: RequestListItem = {
  id: '',
  startedAt: 0,
  kind: 'chat',
  inboundFormat: 'openai',
  requestedModel: 'fast',
  route: 'fast',
  rule: null,
  affinity: null,
  provider: 'groq',
  keyId: 'groq-1',
  model: 'llama-3.1-8b-instant',
  status: 200,
  failureClass: null,
  error: null,
  headersMs: 120,
  firstTokenMs: 150,
  totalMs: 400,
  tokensIn: 12,
  tokensOut: 40,
  costUsd: null,
  streamed: false,
  hedged: false,
  clientAborted: false,
  attempts: 1,
};

const encoder = new TextEncoder();
const frame = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
let seq = 0;
const finished = () =>
  frame('request.finished', {
    request: { ...REQUEST, id: `bench-${++seq}`, startedAt: Date.now() },
  });

/** A store and its sync reading an event stream the caller writes into; other calls answer 503. */
function dashboard() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => (controller = c) });
  (globalThis as Record<string, unknown>)[BRIDGE_GLOBAL] = {
    adminUrl: 'http://127.0.0.1:1',
    adminToken: 'bench-token',
  };
  globalThis.fetch = (url: string | URL | Request) =>
    Promise.resolve(
      String(url).endsWith('/admin/events')
        ? new Response(body, { headers: { 'content-type': 'text/event-stream' } })
        : String(url).endsWith('/admin/live')
          ? Response.json({ from: Date.now() - 900_000, to: Date.now(), minutes: [] })
          : Response.json({ error: { message: 'not in this bench' } }, { status: 503 }),
    );
  const store = createDashboardStore();
  const stop = startSync(store);
  let marks = 0;
  /** Writes each text as its own network write, then waits until the store has applied them all. */
  const send = (writes: readonly string[]): Promise<number> => {
    const mark = ++marks;
    const start = performance.now();
    const applied = new Promise<void>((resolve) => {
      const unsubscribe = store.subscribe((s) => {
        if (s.spendByRoute.mark !== mark) return;
        unsubscribe();
        resolve();
      });
    });
    for (const text of writes) controller.enqueue(encoder.encode(text));
    // A last event the bench can see applied, by this store and by its predecessors alike.
    controller.enqueue(encoder.encode(frame('spend.changed', { since: 0, byRoute: { mark } })));
    return applied.then(() => performance.now() - start);
  };
  return { store, stop, send };
}

/**
 * With `fill` finished requests already in the live window, `events` more announced `perWrite` to
 * a network write: µs per event, and the store updates they caused (each a render of the page).
 */
export async function storeCostPerEvent(
  fill: number,
  events: number,
  perWrite: number,
): Promise<{ usPerEvent: number; updates: number }> {
  const { store, stop, send } = dashboard();
  try {
    for (let i = 0; i < fill; i += 1000)
      await send([Array.from({ length: Math.min(1000, fill - i) }, finished).join('')]);
    let updates = 0;
    const unsubscribe = store.subscribe(() => updates++);
    const writes = Array.from({ length: Math.ceil(events / perWrite) }, () =>
      Array.from({ length: perWrite }, finished).join(''),
    );
    const ms = await send(writes);
    unsubscribe();
    // The bench's own last event is one update.
    return { usPerEvent: (ms * 1000) / events, updates: updates - 1 };
  } finally {
    stop();
  }
}
