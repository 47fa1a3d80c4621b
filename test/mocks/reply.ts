import type { MockBehavior, MockRequestInfo } from './types.ts';
import { estimateTokens, isRecord } from './util.ts';

export interface ToolDef {
  name: string;
  parameters?: unknown;
}

/** A request reduced to what the mock needs, whatever its wire format. */
export interface Turn {
  model: string;
  stream: boolean;
  /** All prompt text, for the token estimate. */
  promptText: string;
  lastUserText: string;
  /** The last message carries tool results, so the answer is text (no tool loop). */
  lastIsToolResult: boolean;
  tools: ToolDef[];
  maxTokens?: number;
  /**
   * The JSON schema the answer must match (OpenAI `response_format` json_schema, Anthropic
   * `output_config.format`, Gemini `responseJsonSchema` / `responseSchema`): the reply is then a
   * sample of it.
   */
  outputSchema?: unknown;
  /** OpenAI `stream_options.include_usage`. */
  includeUsage: boolean;
  hasStreamOptions: boolean;
}

export interface ToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
  argsJson: string;
}

export interface Answer {
  text: string;
  toolCalls: ToolCall[];
  finish: 'stop' | 'length' | 'tool';
  inputTokens: number;
  outputTokens: number;
  /** Of `inputTokens`, those read from the prompt cache. */
  cachedTokens: number;
  reasoning?: string;
}

/** A sample value for a JSON schema: enough for a client to parse, nothing clever. */
export function sampleFromSchema(schema: unknown, depth = 0): unknown {
  if (!isRecord(schema) || depth > 4) return 'mock';
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const raw: unknown = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  // Gemini's schemas spell types in upper case (OBJECT, STRING); JSON Schema in lower case.
  const type = typeof raw === 'string' ? raw.toLowerCase() : raw;
  switch (type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [sampleFromSchema(schema.items, depth + 1)];
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = isRecord(schema.properties) ? schema.properties : {};
      for (const [name, prop] of Object.entries(props))
        out[name] = sampleFromSchema(prop, depth + 1);
      return out;
    }
    default:
      return 'mock';
  }
}

function chooseTools(turn: Turn, behavior: MockBehavior): ToolDef[] {
  const scripted = behavior.callTool;
  const offered = turn.tools.find((tool) => tool.name === scripted?.name);
  if (offered !== undefined && !turn.lastIsToolResult) return [offered];
  const mode = behavior.toolCalls ?? 'auto';
  if (mode === 'never' || turn.tools.length === 0 || turn.lastIsToolResult) return [];
  const named = turn.tools.filter((tool) => turn.lastUserText.includes(tool.name));
  if (mode === 'auto' && named.length === 0 && !/\btools?\b/i.test(turn.lastUserText)) return [];
  const pool = named.length > 0 ? named : turn.tools;
  const count = behavior.parallelToolCalls ?? Math.max(1, named.length);
  return Array.from({ length: count }, (_, i) => pool[i % pool.length] as ToolDef);
}

/** The reply when the behavior sets none: a sample of the asked-for schema, or the echo. */
function defaultReply(turn: Turn): string {
  if (turn.outputSchema !== undefined) return JSON.stringify(sampleFromSchema(turn.outputSchema));
  return turn.lastIsToolResult
    ? `echo: tool result ${turn.lastUserText}`
    : `echo: ${turn.lastUserText}`;
}

/**
 * Decides the answer: the behavior's reply, else JSON matching the request's output schema or
 * `echo: <last user text>`; a tool call when asked for; text cut at max tokens. Token counts are
 * the ~chars/4 estimate.
 */
export function buildAnswer(
  turn: Turn,
  behavior: MockBehavior,
  request: MockRequestInfo,
  nextId: () => string,
): Answer {
  const tools = chooseTools(turn, behavior);
  const inputTokens = Math.max(1, estimateTokens(turn.promptText));
  const extra = {
    cachedTokens: Math.min(inputTokens, behavior.cachedTokens ?? 0),
    ...(behavior.reasoning !== undefined ? { reasoning: behavior.reasoning } : {}),
  };
  if (tools.length > 0) {
    const toolCalls = tools.map((tool) => {
      const args =
        behavior.callTool?.name === tool.name
          ? behavior.callTool.args
          : sampleFromSchema(tool.parameters ?? { type: 'object' });
      const record = isRecord(args) ? args : { value: args };
      return { id: nextId(), name: tool.name, args: record, argsJson: JSON.stringify(record) };
    });
    const outputTokens = toolCalls.reduce((n, c) => n + estimateTokens(c.name + c.argsJson), 0);
    return { text: '', toolCalls, finish: 'tool', inputTokens, outputTokens, ...extra };
  }
  const reply = behavior.reply;
  let text = typeof reply === 'function' ? reply(request) : (reply ?? defaultReply(turn));
  let finish: Answer['finish'] = 'stop';
  if (turn.maxTokens !== undefined && estimateTokens(text) > turn.maxTokens) {
    text = Array.from(text)
      .slice(0, turn.maxTokens * 4)
      .join('');
    finish = 'length';
  }
  return {
    text,
    toolCalls: [],
    finish,
    inputTokens,
    outputTokens: estimateTokens(text),
    ...extra,
  };
}

/** Stream pieces that join back to `text`: one per word, or `chunks` near-equal pieces. */
export function splitText(text: string, chunks?: number): string[] {
  if (text === '') return [];
  if (chunks === undefined || chunks < 1) return text.match(/\S+\s*|\s+/g) ?? [text];
  const chars = Array.from(text);
  const size = Math.ceil(chars.length / chunks);
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(''));
  return pieces;
}

/** Cuts JSON at awkward places (mid-key, mid-value), as providers stream tool arguments. */
export function splitJson(json: string, parts = 3): string[] {
  if (json.length <= parts) return [json];
  const cut = Math.ceil(json.length / parts);
  const out: string[] = [];
  for (let i = 0; i < json.length; i += cut) out.push(json.slice(i, i + cut));
  return out;
}

/** Text of an OpenAI- or Anthropic-style content field: a string or an array of parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => {
      if (!isRecord(part)) return '';
      if (typeof part.text === 'string') return part.text;
      if (part.type === 'tool_result') return contentText(part.content);
      return '';
    })
    .join('');
}
