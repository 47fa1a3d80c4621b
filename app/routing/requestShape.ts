/**
 * What a request looks like to the rules and the capability filter, read from its body once:
 * format-agnostic, so a new caller format's body answers the same questions (images are
 * `image_url`/`image`/`input_image` parts or Gemini's `inline_data`, tools are a non-empty
 * `tools`, thinking is Anthropic's `thinking`, OpenAI's `reasoning_effort` or `reasoning`, Gemini's
 * `generationConfig.thinkingConfig`).
 */
import type { CallerFormat } from '../formats/proxyRequest.ts';
import { estimateTokens } from '../limiter/tokenBucket.ts';

export interface RequestShape {
  model: string;
  format: CallerFormat;
  /** The caller's user agent ('' when it sent none). */
  client: string;
  stream: boolean;
  /** The engine's own prompt estimate (app/limiter's estimateTokens of the prompt's characters). */
  promptTokens: number;
  maxTokens: number | undefined;
  hasImages: boolean;
  hasTools: boolean;
  thinking: boolean;
}

const IMAGE_PART_TYPES = new Set(['image_url', 'image', 'input_image']);

/** Whether any object in the value is an image part; stops at the first one. */
export function holdsImage(value: unknown, depth = 0): boolean {
  if (depth > 12 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsImage(item, depth + 1)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  if (typeof record.type === 'string' && IMAGE_PART_TYPES.has(record.type)) return true;
  if ('inline_data' in record || 'inlineData' in record) return true;
  for (const key in record) if (holdsImage(record[key], depth + 1)) return true;
  return false;
}

function asksForThinking(body: Record<string, unknown>): boolean {
  const thinking = body.thinking;
  if (thinking !== null && typeof thinking === 'object') {
    return (thinking as Record<string, unknown>).type !== 'disabled';
  }
  // Gemini: a thinking budget of 0 turns thinking off; any other budget, or asking for the
  // thoughts, turns it on.
  const config = body.generationConfig;
  const geminiThinking =
    config !== null && typeof config === 'object'
      ? (config as Record<string, unknown>).thinkingConfig
      : undefined;
  if (geminiThinking !== null && typeof geminiThinking === 'object') {
    const { thinkingBudget, includeThoughts } = geminiThinking as Record<string, unknown>;
    return includeThoughts === true || (thinkingBudget !== undefined && thinkingBudget !== 0);
  }
  const effort = body.reasoning_effort;
  if (typeof effort === 'string') return effort !== 'none' && effort !== 'minimal';
  return body.reasoning !== undefined && body.reasoning !== null;
}

/** The shape of a decoded request: its body, and what the edge already measured. */
export function requestShape(input: {
  body: Record<string, unknown>;
  model: string;
  format: CallerFormat;
  client: string;
  stream: boolean;
  promptChars: number;
  maxTokens: number | undefined;
}): RequestShape {
  const { body } = input;
  const tools = body.tools;
  const images = imagesIn(body);
  return {
    model: input.model,
    format: input.format,
    client: input.client,
    stream: input.stream,
    promptTokens: estimateTokens(input.promptChars),
    maxTokens: input.maxTokens,
    get hasImages() {
      return images();
    },
    hasTools: Array.isArray(tools) && tools.length > 0,
    thinking: asksForThinking(body),
  };
}

/**
 * Whether the body's prompt holds an image, walked for on the first question and remembered:
 * only a rule on images or a text-only model asks, and the walk visits every part of every
 * message, the whole conversation in an agent's request.
 */
export function imagesIn(body: Record<string, unknown>): () => boolean {
  let found: boolean | undefined;
  return () => (found ??= holdsImage(body.messages ?? body.input ?? body.contents));
}
