/**
 * What a local token count of a Messages request counts: every piece of text the model would
 * read (system, messages, tool calls and results, thinking, tool definitions), plus a fixed
 * allowance per image and document page the text cannot show. The tokenizer itself lives in
 * main/ (app/ imports nothing but zod); this decides what it is run over.
 */
import type { CountTokensRequest } from './anthropic.ts';

/**
 * About what Anthropic charges for an image of typical size (width × height / 750 for a
 * 1092×1092 picture is 1,590 tokens), since the pixels are not decoded here.
 */
export const IMAGE_TOKENS = 1600;

/** Tokens of framing each message costs beyond its text (role markers), as OpenAI counts it. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/** A PDF page read as text and image, by Anthropic's published 1,500–3,000 per page, the middle. */
const PDF_PAGE_TOKENS = 2250;

/** Base64 characters in a typical PDF page (about 75 KB a page): the page count is not parsed. */
const BASE64_CHARS_PER_PDF_PAGE = 100_000;

/** The text a request holds and the tokens it costs beyond that text. */
export type CountableText = { texts: string[]; fixedTokens: number };

function addBlock(block: unknown, out: CountableText): void {
  if (typeof block === 'string') {
    out.texts.push(block);
    return;
  }
  if (typeof block !== 'object' || block === null) return;
  const record = block as Record<string, unknown>;
  switch (record.type) {
    case 'text':
      if (typeof record.text === 'string') out.texts.push(record.text);
      return;
    case 'thinking':
      if (typeof record.thinking === 'string') out.texts.push(record.thinking);
      return;
    case 'image':
      out.fixedTokens += IMAGE_TOKENS;
      return;
    case 'document': {
      const source = (record.source ?? {}) as Record<string, unknown>;
      const data = typeof source.data === 'string' ? source.data : '';
      if (source.type === 'text') out.texts.push(data);
      else
        out.fixedTokens +=
          PDF_PAGE_TOKENS * Math.max(1, Math.ceil(data.length / BASE64_CHARS_PER_PDF_PAGE));
      return;
    }
    case 'tool_use':
      if (typeof record.name === 'string') out.texts.push(record.name);
      out.texts.push(JSON.stringify(record.input ?? {}));
      return;
    case 'tool_result':
      if (Array.isArray(record.content)) for (const item of record.content) addBlock(item, out);
      else addBlock(record.content, out);
      return;
    default:
      // Redacted thinking and blocks of unknown types: their JSON is the best guess of their size.
      out.texts.push(JSON.stringify(record));
  }
}

/** Everything in a Messages request (or token count request) that takes up input tokens. */
export function countableText(req: CountTokensRequest): CountableText {
  const out: CountableText = { texts: [], fixedTokens: 0 };
  if (typeof req.system === 'string') out.texts.push(req.system);
  else for (const block of req.system ?? []) addBlock(block, out);
  for (const message of req.messages) {
    out.fixedTokens += MESSAGE_OVERHEAD_TOKENS;
    if (typeof message.content === 'string') out.texts.push(message.content);
    else for (const block of message.content) addBlock(block, out);
  }
  for (const tool of req.tools ?? []) {
    out.texts.push(tool.name, tool.description ?? '', JSON.stringify(tool.input_schema ?? {}));
  }
  return out;
}
