import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminEventMap, AdminEventName } from '../../app/admin/events.ts';
import type { AttemptRecord, RequestRecord } from '../../app/admin/types.ts';
import { listItem } from '../store/requestLogWriter.ts';
import { triedCount } from '../store/logRows.ts';
import { EventBatch } from './eventBatch.ts';
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
  /** Events published since the last flush (eventBatch.ts). */
  readonly #batch = new EventBatch();
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
    this.#schedule();
    if (name === 'request.started') {
      this.#batch.addStart(data);
      return;
    }
    if (name === 'request.finished') this.#batch.finish(data.request.id);
    this.#batch.add(name, JSON.stringify(data));
  }

  /**
   * A request's `request.finished` event, `{ request: listItem(request, attempts) }`, made only
   * when a client listens, and from the record itself when it holds no bodies (the usual case):
   * the list row's copy of it cost about 1 µs per request.
   */
  publishFinished(request: RequestRecord, attempts: readonly AttemptRecord[]): void {
    if (this.#clients.size === 0) return;
    this.#schedule();
    this.#batch.finish(request.id);
    if (request.requestBody === undefined && request.responseBody === undefined)
      this.#batch.addListRow(JSON.stringify(request), triedCount(attempts));
    else
      this.#batch.add('request.finished', JSON.stringify({ request: listItem(request, attempts) }));
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
    this.#batch.clear();
    for (const client of this.#clients) client.res.end();
    this.#clients.clear();
  }

  #schedule(): void {
    this.#flushTimer ??= setTimeout(() => this.#flush(), this.#flushIntervalMs);
  }

  /** One unmasked frame; the caller masks it (alone or with the rest of its write). */
  #frame(name: AdminEventName, json: string): string {
    return `id: ${++this.#seq}\nevent: ${name}\ndata: ${json}\n\n`;
  }

  #flush(): void {
    this.#flushTimer = undefined;
    const taken = this.#batch.take(this.#seq + 1);
    if (taken === undefined) return;
    const { chunk, ends } = taken;
    this.#seq += ends.length;
    // No secret spans a frame boundary (a blank line), so masking the whole text masks each
    // frame; the bytes go out as they are unless the mask changed something.
    const text = chunk.toString();
    const masked = this.#mask(text);
    const payload = masked === text ? chunk : masked;
    let frames: string[] | undefined;
    for (const client of this.#clients) {
      if (client.blocked || client.queue.length > 0) {
        frames ??= ends.map((end, i) => this.#mask(chunk.toString('utf8', ends[i - 1] ?? 0, end)));
        for (const frame of frames) this.#enqueue(client, frame);
      } else this.#write(client, payload);
    }
  }

  #write(client: Client, frame: string | Buffer): void {
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
