/**
 * How a target translator (anthropicTarget.ts, geminiTarget.ts) reads the hub's request: parts
 * one at a time, an assistant's text and tool-call arguments, the function tools and the tool
 * choice. Each target then writes these in its own terms; what the caller meant is decided here.
 */
import type { Translated } from './common.ts';
import { invalidRequest, parseJsonObject } from './common.ts';
import type { ChatCompletionRequest, ChatMessage, ChatTool } from './openai.ts';

/**
 * Translates items one at a time (`one` gets each item and its index), stopping at the first
 * that cannot be translated; items that translate to nothing (`null`) are left out.
 */
export function translateEach<I, T>(
  items: readonly I[],
  one: (item: I, index: number) => Translated<T | null>,
): Translated<T[]> {
  const out: T[] = [];
  for (const [index, item] of items.entries()) {
    const translated = one(item, index);
    if (!translated.ok) return translated;
    if (translated.value !== null) out.push(translated.value);
  }
  return { ok: true, value: out };
}

/** The text of a message whose content is a string or text parts (system, developer, tool). */
export function contentText(content: string | ReadonlyArray<{ text: string }>): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

/**
 * An `append(role, items)` for a conversation that must alternate roles, as both targets want:
 * items of the same role as the last turn join it, others start a turn; no items, no turn.
 */
export function turnAppender<T extends { role: unknown }, I>(
  turns: T[],
  itemsOf: (turn: T) => I[],
  turn: (role: T['role'], items: I[]) => T,
): (role: T['role'], items: I[]) => void {
  return (role, items) => {
    if (items.length === 0) return;
    const last = turns.at(-1);
    if (last !== undefined && last.role === role) itemsOf(last).push(...items);
    else turns.push(turn(role, items));
  };
}

type AssistantContent = Extract<ChatMessage, { role: 'assistant' }>['content'];
type AssistantPart = Exclude<AssistantContent, string | null | undefined>[number];

/**
 * The texts of an assistant message in order, each with the part it came from (for its extra
 * fields such as `cache_control`); a refusal counts as text, empty texts are left out.
 */
export function assistantTexts(
  content: AssistantContent,
): Array<{ text: string; part?: AssistantPart }> {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  const texts: Array<{ text: string; part: AssistantPart }> = [];
  for (const part of content ?? []) {
    const text = part.type === 'text' ? part.text : part.refusal;
    if (text !== '') texts.push({ text, part });
  }
  return texts;
}

/**
 * A tool call's arguments as the JSON object every target wants them, or the 400 naming the
 * call: `at` is the message's path, `index` the call's place in its `tool_calls`.
 */
export function toolCallArguments(
  call: { function: { arguments: string } },
  at: string,
  index: number,
): Translated<Record<string, unknown>> {
  const args = parseJsonObject(call.function.arguments);
  if (args === null) {
    return invalidRequest(
      'tool call arguments must be a JSON object',
      `${at}.tool_calls[${index}].function.arguments`,
    );
  }
  return { ok: true, value: args };
}

type FunctionTool = Extract<ChatTool, { type: 'function' }>['function'];

/**
 * What the caller's `tool_choice` asks of the model: no tool, a tool if it likes, or some tool
 * (`name`: that one).
 */
export type ToolChoiceIntent = { mode: 'none' | 'auto' | 'required'; name?: string };

/** The function tools to send and what the caller's choice asks of the model. */
export type RequestedTools = { functions: FunctionTool[]; choice: ToolChoiceIntent };

/**
 * Reads the request's tools and `tool_choice` (absent: auto) for `target` and has `write` put
 * them in the target's terms; a request without tools gets nothing. An `allowed_tools` choice
 * narrows the tools written. A tool that is not a function, or a custom tool choice, is a 400
 * naming it.
 */
export function translateTools<T extends object>(
  req: Pick<ChatCompletionRequest, 'tools' | 'tool_choice'>,
  target: string,
  write: (requested: RequestedTools) => T,
): Translated<Partial<T>> {
  if (!req.tools || req.tools.length === 0) return { ok: true, value: {} };
  const functions = translateEach(req.tools, (tool, i) =>
    tool.type === 'function'
      ? { ok: true, value: tool.function }
      : invalidRequest(`Only function tools can be sent to ${target}`, `tools[${i}]`),
  );
  if (!functions.ok) return functions;
  const given = req.tool_choice ?? 'auto';
  if (typeof given === 'string') {
    return { ok: true, value: write({ functions: functions.value, choice: { mode: given } }) };
  }
  if (given.type === 'function') {
    const choice: ToolChoiceIntent = { mode: 'required', name: given.function.name };
    return { ok: true, value: write({ functions: functions.value, choice }) };
  }
  if (given.type === 'allowed_tools') {
    const allowed = new Set(given.allowed_tools.tools.map((t) => t.function.name));
    const narrowed = functions.value.filter((f) => allowed.has(f.name));
    const choice: ToolChoiceIntent = { mode: given.allowed_tools.mode };
    return { ok: true, value: write({ functions: narrowed, choice }) };
  }
  return invalidRequest(`Custom tool choices cannot be sent to ${target}`, 'tool_choice');
}

/** The 400 for the legacy `function` role, which no target takes. */
export function legacyFunctionRole(at: string): Translated<never> {
  return invalidRequest('The legacy "function" role cannot be translated; use tool messages', at);
}

/** The stop sequences asked for, as a list (OpenAI takes one string or several). */
export function stopSequences(req: Pick<ChatCompletionRequest, 'stop'>): string[] {
  if (req.stop == null) return [];
  return typeof req.stop === 'string' ? [req.stop] : req.stop;
}
