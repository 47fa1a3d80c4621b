/** A deliberately small SSE reader for the mock tests: events split on blank lines, either line end. */
export interface ParsedEvent {
  event?: string;
  data: string;
}

export function parseSse(text: string): { events: ParsedEvent[]; comments: string[] } {
  const events: ParsedEvent[] = [];
  const comments: string[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return { events, comments };
}

/** The JSON payloads of a stream, skipping OpenAI's [DONE]. */
export function payloads(text: string): unknown[] {
  return parseSse(text)
    .events.filter((e) => e.data !== '[DONE]')
    .map((e) => JSON.parse(e.data) as unknown);
}

/** Reads a response body as raw chunks, to see how the bytes were cut. */
export async function readChunks(response: Response): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  const reader = response.body?.getReader();
  if (!reader) return chunks;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}
