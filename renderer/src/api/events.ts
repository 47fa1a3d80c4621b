import {
  ADMIN_EVENT_NAMES,
  ADMIN_EVENTS_PATH,
  type AdminEvent,
} from '../../../app/admin/events.ts';
import { SseParser, type SseEvent } from '../../../app/formats/sse.ts';
import { adminAuthHeaders, adminBase } from './session.ts';

export type StreamState = 'connecting' | 'open' | 'reconnecting';

export type EventStreamOptions = {
  /**
   * The events of one network read, oldest first, never empty. The engine sends a batch per
   * interval in one write, so a busy proxy's hundreds of events arrive together and the store
   * can apply them in one update (one render) instead of one each.
   */
  onEvents: (events: AdminEvent[]) => void;
  onState: (state: StreamState) => void;
  /** Called after a reconnect: events may have been missed, so state should be fetched afresh. */
  onResync: () => void;
  /** Waits before reconnect attempts, in ms; the last one repeats. */
  backoffMs?: readonly number[];
};

const BACKOFF_MS = [1000, 2000, 5000, 10_000, 30_000];
const EVENT_NAMES = new Set<string>(ADMIN_EVENT_NAMES);

/**
 * Follows /admin/events. The stream is read with fetch, not EventSource: EventSource cannot send
 * a header, and the admin token travels only in one (a token in the URL would land in logs and
 * history; a one-use ticket endpoint would be a second way in to guard). A stream that ends or
 * fails is opened again after a growing pause, and a connection that opens after a gap asks for
 * a resync, because the events of the gap are lost.
 */
export function connectEvents(options: EventStreamOptions): () => void {
  const backoff = options.backoffMs ?? BACKOFF_MS;
  let current: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let everOpened = false;
  let gap = false;
  let stopped = false;

  const parse = (event: SseEvent): AdminEvent | undefined => {
    if (event.event === undefined || !EVENT_NAMES.has(event.event)) return undefined;
    try {
      // The engine types what it sends (AdminEventMap); the name was checked above.
      return { name: event.event, data: JSON.parse(event.data) } as AdminEvent;
    } catch {
      // A malformed frame is dropped: the next resync repairs whatever it described.
      return undefined;
    }
  };

  const follow = async (signal: AbortSignal) => {
    const res = await fetch(`${adminBase()}${ADMIN_EVENTS_PATH}`, {
      headers: { accept: 'text/event-stream', ...adminAuthHeaders() },
      credentials: 'omit',
      cache: 'no-store',
      signal,
    });
    if (!res.ok || res.body === null) {
      failures++;
      return;
    }
    failures = 0;
    options.onState('open');
    if (gap) options.onResync();
    gap = false;
    everOpened = true;
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const events: AdminEvent[] = [];
      for (const frame of parser.push(decoder.decode(value, { stream: true }))) {
        const event = parse(frame);
        if (event !== undefined) events.push(event);
      }
      if (events.length > 0) options.onEvents(events);
    }
  };

  const open = () => {
    options.onState(everOpened ? 'reconnecting' : 'connecting');
    const controller = new AbortController();
    current = controller;
    void follow(controller.signal)
      .catch(() => {
        failures++;
      })
      .then(() => {
        if (stopped) return;
        gap = true;
        options.onState(everOpened ? 'reconnecting' : 'connecting');
        const wait = backoff[Math.min(failures, backoff.length - 1)] ?? 30_000;
        timer = setTimeout(open, wait);
      });
  };

  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    current?.abort();
  };
}
