import type { Readable } from 'node:stream';

export type SseEvent = { id?: string; event: string; data: unknown };

/** Parses a server-sent event stream into events, one `next()` at a time (comments skipped). */
export function readEvents(stream: Readable): { next: (timeoutMs?: number) => Promise<SseEvent> } {
  const ready: SseEvent[] = [];
  const waiting: ((event: SseEvent) => void)[] = [];
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event: { id?: string; event?: string; data: string[] } = { data: [] };
      for (const line of block.split('\n')) {
        if (line.startsWith(':') || line === '') continue;
        const colon = line.indexOf(':');
        const field = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
        else if (field === 'data') event.data.push(value);
      }
      if (event.event === undefined) continue;
      const parsed: SseEvent = {
        ...(event.id !== undefined ? { id: event.id } : {}),
        event: event.event,
        data: JSON.parse(event.data.join('\n')),
      };
      const waiter = waiting.shift();
      if (waiter) waiter(parsed);
      else ready.push(parsed);
    }
  });
  return {
    next: (timeoutMs = 5000) => {
      const event = ready.shift();
      if (event) return Promise.resolve(event);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no event within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiting.push((e) => {
          clearTimeout(timer);
          resolve(e);
        });
      });
    },
  };
}
