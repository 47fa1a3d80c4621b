import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminEventMap, AdminEventName } from '../../app/admin/events.ts';
import { BASE_HEADERS, sendError } from '../server/respond.ts';

export type EventHubOptions = {
  /** Events held for a client whose socket is full; beyond this the oldest are dropped. */
  maxBuffer?: number;
  /** A comment line this often keeps proxies and idle timeouts from closing the stream. */
  heartbeatMs?: number;
  /** Hides the engine's secrets in every frame (what a provider echoed can reach an event). */
  mask?: (text: string) => string;
};

type Client = {
  res: ServerResponse;
  /** Frames waiting for the socket to drain, oldest first. */
  queue: string[];
  dropped: number;
  blocked: boolean;
};

/**
 * The admin event stream. `publish` serialises an event once and hands it to every client; it
 * never waits on a socket. A client whose socket is full gets its events queued, up to
 * `maxBuffer`, dropping the oldest; once it drains it first gets an `events.dropped` event
 * saying how many it missed.
 */
export class EventHub {
  readonly #clients = new Set<Client>();
  readonly #maxBuffer: number;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #mask: (text: string) => string;
  #seq = 0;

  constructor(options: EventHubOptions = {}) {
    this.#maxBuffer = options.maxBuffer ?? 256;
    this.#mask = options.mask ?? ((text) => text);
    this.#heartbeat = setInterval(() => {
      for (const client of this.#clients) if (!client.blocked) this.#write(client, ': ping\n\n');
    }, options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  publish<N extends AdminEventName>(name: N, data: AdminEventMap[N]): void {
    if (this.#clients.size === 0) return;
    const frame = this.#frame(name, data);
    for (const client of this.#clients) {
      if (client.blocked || client.queue.length > 0) this.#enqueue(client, frame);
      else this.#write(client, frame);
    }
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
    for (const client of this.#clients) client.res.end();
    this.#clients.clear();
  }

  #frame<N extends AdminEventName>(name: N, data: AdminEventMap[N]): string {
    return `id: ${++this.#seq}\nevent: ${name}\ndata: ${this.#mask(JSON.stringify(data))}\n\n`;
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
    if (client.dropped > 0) {
      const count = client.dropped;
      client.dropped = 0;
      this.#write(client, this.#frame('events.dropped', { count }));
    }
    while (!client.blocked && client.queue.length > 0) this.#write(client, client.queue.shift()!);
  }
}
