import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminEventMap, AdminEventName, RequestStartedEvent } from '../../app/admin/events.ts';
import { BASE_HEADERS, sendError } from '../server/respond.ts';

export type EventHubOptions = {
  /** Events held for a client whose socket is full; beyond this the oldest are dropped. */
  maxBuffer?: number;
  /** A comment line this often keeps proxies and idle timeouts from closing the stream. */
  heartbeatMs?: number;
  /**
   * Events published within this long reach each client in one write: an open dashboard costs a
   * write per interval, not one per event.
   */
  flushIntervalMs?: number;
  /** Hides the engine's secrets in every frame (what a provider echoed can reach an event). */
  mask?: (text: string) => string;
};

/**
 * An event of the current batch: serialised when published, except a request's start, kept as
 * it came until the flush, since its finish may arrive first and make it moot.
 */
type Entry =
  | { name: AdminEventName; json: string }
  | { name: 'request.started'; started: RequestStartedEvent };

type Client = {
  res: ServerResponse;
  /** Frames waiting for the socket to drain, oldest first. */
  queue: string[];
  dropped: number;
  blocked: boolean;
};

/**
 * The admin event stream. `publish` batches an event; every `flushIntervalMs` the batch is framed,
 * masked once and goes to each client in one write, so events keep their order and a busy proxy
 * costs each client one write per interval. A request that starts and finishes within one
 * interval is sent as its `request.finished` alone: a client would apply both in the same write,
 * so the start could never show, and at thousands of requests a second it is half the frames.
 * It never waits on a socket. A client whose socket is full gets its events queued, up to
 * `maxBuffer`, dropping the oldest; once it drains it first gets an `events.dropped` event
 * saying how many it missed.
 */
export class EventHub {
  readonly #clients = new Set<Client>();
  readonly #maxBuffer: number;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #mask: (text: string) => string;
  readonly #flushIntervalMs: number;
  /** Events published since the last flush, oldest first; null where a start was made moot. */
  #batch: (Entry | null)[] = [];
  /** Where each request started in this batch sits in it, by request id. */
  #startedAt = new Map<string, number>();
  #flushTimer: NodeJS.Timeout | undefined;
  #seq = 0;

  constructor(options: EventHubOptions = {}) {
    this.#maxBuffer = options.maxBuffer ?? 256;
    this.#mask = options.mask ?? ((text) => text);
    this.#flushIntervalMs = options.flushIntervalMs ?? 100;
    this.#heartbeat = setInterval(() => {
      for (const client of this.#clients) if (!client.blocked) this.#write(client, ': ping\n\n');
    }, options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** An event name with its payload (a union of pairs, so a check of the name types the payload). */
  publish(...[name, data]: { [N in AdminEventName]: [N, AdminEventMap[N]] }[AdminEventName]): void {
    if (this.#clients.size === 0) return;
    this.#flushTimer ??= setTimeout(() => this.#flush(), this.#flushIntervalMs);
    if (name === 'request.started') {
      this.#startedAt.set(data.id, this.#batch.length);
      this.#batch.push({ name, started: data });
      return;
    }
    if (name === 'request.finished') {
      const at = this.#startedAt.get(data.request.id);
      if (at !== undefined) {
        this.#batch[at] = null;
        this.#startedAt.delete(data.request.id);
      }
    }
    this.#batch.push({ name, json: JSON.stringify(data) });
  }

  /** Serves GET /admin/events (auth, Host and Origin were checked by the server). */
  attach(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET') {
      sendError(res, 'admin', 405, `${req.method} is not allowed on the event stream; use GET.`);
      return;
    }
    res.writeHead(200, {
      ...BASE_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    const client: Client = { res, queue: [], dropped: 0, blocked: false };
    this.#clients.add(client);
    res.on('drain', () => this.#drain(client));
    res.once('close', () => this.#clients.delete(client));
    this.#write(client, 'retry: 2000\n: connected\n\n');
  }

  /** Ends every stream (before the server closes, so they do not hold its shutdown). */
  close(): void {
    clearInterval(this.#heartbeat);
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#batch = [];
    this.#startedAt.clear();
    for (const client of this.#clients) client.res.end();
    this.#clients.clear();
  }

  /** One unmasked frame; the caller masks it (alone or with the rest of its write). */
  #frame(name: AdminEventName, json: string): string {
    return `id: ${++this.#seq}\nevent: ${name}\ndata: ${json}\n\n`;
  }

  #flush(): void {
    this.#flushTimer = undefined;
    const batch = this.#batch;
    this.#batch = [];
    this.#startedAt.clear();
    const frames: string[] = [];
    for (const entry of batch)
      if (entry !== null)
        frames.push(
          this.#frame(entry.name, 'json' in entry ? entry.json : JSON.stringify(entry.started)),
        );
    if (frames.length === 0) return;
    // No secret spans a frame boundary (a blank line), so masking the joined text masks each frame.
    const chunk = this.#mask(frames.join(''));
    let masked: string[] | undefined;
    for (const client of this.#clients) {
      if (client.blocked || client.queue.length > 0) {
        masked ??= frames.map(this.#mask);
        for (const frame of masked) this.#enqueue(client, frame);
      } else this.#write(client, chunk);
    }
  }

  #write(client: Client, frame: string): void {
    if (client.res.destroyed || client.res.writableEnded) return;
    if (!client.res.write(frame)) client.blocked = true;
  }

  #enqueue(client: Client, frame: string): void {
    client.queue.push(frame);
    if (client.queue.length > this.#maxBuffer) {
      client.queue.shift();
      client.dropped++;
    }
  }

  #drain(client: Client): void {
    client.blocked = false;
    const frames = client.queue;
    client.queue = [];
    if (client.dropped > 0) {
      frames.unshift(this.#frame('events.dropped', JSON.stringify({ count: client.dropped })));
      client.dropped = 0;
    }
    if (frames.length > 0) this.#write(client, frames.join(''));
  }
}
