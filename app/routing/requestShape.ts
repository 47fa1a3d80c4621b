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

/**
 * Whether a body's prompt holds an image, walked for on the first question and remembered: only
 * a rule on images or a text-only model asks, and the walk visits every part of every message,
 * the whole conversation in an agent's request. A getter on the prototype, so that nothing is
 * made per request for it (an accessor in an object literal is made anew each time).
 */
export class PromptImages {
  readonly #body: Record<string, unknown>;
  #found: boolean | undefined;

  constructor(body: Record<string, unknown>) {
    this.#body = body;
  }

  get hasImages(): boolean {
    const body = this.#body;
    return (this.#found ??= holdsImage(body.messages ?? body.input ?? body.contents));
  }
}

/** A request's shape, its images read on demand (PromptImages). */
class Shape extends PromptImages implements RequestShape {
  readonly model: string;
  readonly format: CallerFormat;
  readonly client: string;
  readonly stream: boolean;
  readonly promptTokens: number;
  readonly maxTokens: number | undefined;
  readonly hasTools: boolean;
  readonly thinking: boolean;

  constructor(input: Parameters<typeof requestShape>[0]) {
    super(input.body);
    const { body } = input;
    const tools = body.tools;
    this.model = input.model;
    this.format = input.format;
    this.client = input.client;
    this.stream = input.stream;
    this.promptTokens = estimateTokens(input.promptChars);
    this.maxTokens = input.maxTokens;
    this.hasTools = Array.isArray(tools) && tools.length > 0;
    this.thinking = asksForThinking(body);
  }
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
  return new Shape(input);
}
