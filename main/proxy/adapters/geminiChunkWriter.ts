/** How a Gemini caller's stream is framed on the wire, and how it ends with an error. */
import type { StreamError } from '../../../app/formats/common.ts';
import { geminiErrorBody, googleStatus } from '../../../app/formats/gemini.ts';

/** A stream error as Google's error body, its status string kept when it has one. */
function streamErrorBody(error: StreamError) {
  const status =
    error.code !== null && /^[A-Z_]+$/.test(error.code) ? error.code : googleStatus(error.status);
  return geminiErrorBody(error.status, error.message, status);
}

/**
 * How one stream's chunks go on the wire: `data:` events (`alt=sse`, what the SDKs ask for), or
 * Google's default, one JSON array whose elements arrive as they are ready. A stream ends with an
 * error as one more chunk holding the error body.
 */
export class ChunkWriter {
  private opened = false;
  readonly jsonArray: boolean;

  constructor(jsonArray: boolean) {
    this.jsonArray = jsonArray;
  }

  chunk(value: unknown): string {
    if (!this.jsonArray) return `data: ${JSON.stringify(value)}\n\n`;
    const prefix = this.opened ? ',\r\n' : '[';
    this.opened = true;
    return prefix + JSON.stringify(value);
  }

  /** An element written by someone else (an upstream array passed through) has been sent. */
  continued(): void {
    this.opened = true;
  }

  close(): string {
    if (!this.jsonArray) return '';
    return this.opened ? ']' : '[]';
  }

  error(error: StreamError): string {
    return this.chunk(streamErrorBody(error)) + this.close();
  }
}

export const writerFor = (req: { jsonArrayStream?: true }) =>
  new ChunkWriter(req.jsonArrayStream === true);
