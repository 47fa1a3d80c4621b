/**
 * Reading one upstream OpenAI-format stream, chunk by chunk, for a relay that translates it.
 * Nearly every chunk of an answer is the chunk before it with another piece of text: the same id,
 * model, creation time and choice around a new `delta.content`. Such a chunk is read from the
 * previous one, its text taken from between the same bytes, instead of parsed whole: on a long
 * answer that parse was most of the cost of a translated stream.
 */
import type { StreamError } from './common.ts';
import type { ChatCompletionChunk } from './openai.ts';
import { parseOpenAiStreamData } from './openaiWire.ts';

/**
 * What JSON writes escaped in a string (a quote, a backslash, a control character: whatever is
 * not from U+0020 up); text without these is its own JSON string body.
 */
const NOT_PLAIN = /["\\]|[^\u0020-\uffff]/;
const CONTENT_KEY = '"content":"';
/** Templates in a row that read no chunk before the reader stops making them (a stream whose
 * chunks all differ around their text would otherwise pay for a template per chunk). */
const MAX_BARREN_TEMPLATES = 3;

/**
 * A content chunk's bytes before and after its text, and the chunk. `JSON.parse(head + text +
 * tail)`, for any `text` that needs no escaping, is `chunk` with `text` as its content: the bytes
 * around are the same, and a probe parse proved that the text between them is `delta.content`.
 */
type Template = { head: string; tail: string; chunk: ChatCompletionChunk };

export class OpenAiChunkReader {
  #template: Template | undefined;
  #barren = 0;
  #hit = false;

  /** One `data:` payload, read exactly as `parseOpenAiStreamData` reads it. */
  read(data: string): ChatCompletionChunk | StreamError | 'done' {
    const template = this.#template;
    const end = data.length - (template?.tail.length ?? 0);
    // Sliced and compared, not startsWith: V8 compares two strings far faster than it walks one
    // against a prefix (a head that is itself a slice made startsWith ten times slower).
    if (
      template !== undefined &&
      end >= template.head.length &&
      data.slice(0, template.head.length) === template.head &&
      data.slice(end) === template.tail
    ) {
      const text = data.slice(template.head.length, end);
      if (!NOT_PLAIN.test(text)) {
        this.#hit = true;
        return withContent(template.chunk, text);
      }
    }
    const item = parseOpenAiStreamData(data);
    if (typeof item === 'object' && !('kind' in item)) this.#learn(data, item);
    return item;
  }

  #learn(data: string, chunk: ChatCompletionChunk): void {
    if (this.#hit) this.#barren = 0;
    if (this.#barren >= MAX_BARREN_TEMPLATES) return;
    const template = templateOf(data, chunk);
    if (template === undefined) return;
    this.#template = template;
    this.#hit = false;
    this.#barren++;
  }
}

/** The template of a chunk with one choice whose delta holds plain, non-empty text; else none. */
function templateOf(data: string, chunk: ChatCompletionChunk): Template | undefined {
  const content = chunk.choices.length === 1 ? chunk.choices[0]!.delta?.content : undefined;
  if (typeof content !== 'string' || content === '' || NOT_PLAIN.test(content)) return undefined;
  const key = data.indexOf(CONTENT_KEY);
  if (key < 0) return undefined;
  const start = key + CONTENT_KEY.length;
  if (!data.startsWith(content, start) || data.charCodeAt(start + content.length) !== 34 /* " */)
    return undefined;
  const head = data.slice(0, start);
  const tail = data.slice(start + content.length);
  // The same bytes with an empty text must read as the same chunk with an empty content: then
  // these bytes are that value, not another string that happens to hold the same text.
  const probe = parseOpenAiStreamData(head + tail);
  if (typeof probe !== 'object' || 'kind' in probe || probe.choices[0]?.delta?.content !== '')
    return undefined;
  return { head, tail, chunk };
}

/** `chunk` with `text` as its one choice's content, copied down to the delta that changes. */
function withContent(chunk: ChatCompletionChunk, text: string): ChatCompletionChunk {
  const choice = chunk.choices[0]!;
  return { ...chunk, choices: [{ ...choice, delta: { ...choice.delta, content: text } }] };
}
