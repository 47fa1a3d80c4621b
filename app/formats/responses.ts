/**
 * The OpenAI Responses API as a caller format (Codex CLI, the AI SDK's default `openai(model)`,
 * LangChain with `useResponsesApi`, the openai SDKs' `responses.*`): its request schema, and the
 * request → the OpenAI chat hub (the answer and stream are in responsesOutput.ts).
 *
 * - `instructions` and system/developer messages become system messages, in place.
 * - Message parts: input_text/output_text → text, input_image → image_url, input_file → file.
 * - `function_call` / `custom_tool_call` items become the assistant's tool calls (consecutive
 *   ones in one assistant message), their `*_output` items tool messages.
 * - Function tools stay functions. Custom (freeform) tools, Codex's `apply_patch`, become a
 *   function taking one string, `input`; the answer's call goes back as a `custom_tool_call`
 *   (responsesOutput.ts reads `customToolNames`). Namespaced tools are flattened to
 *   `namespace__name` functions, and their calls go back split (`namespace`, `name`).
 * - `text.format` → `response_format`; `reasoning.effort` → `reasoning_effort`;
 *   `max_output_tokens` → `max_tokens`.
 *
 * Dropped on purpose for targets that do not speak Responses: `reasoning` input items (their
 * encrypted content only OpenAI can read), hosted tools (web search, file search, local shell,
 * …), `include`, `store`, `prompt_cache_key`, `metadata`, `truncation`, item references.
 */
import { z } from 'zod';
import type { Translated } from './common.ts';
import type {
  ChatCompletionRequest,
  ChatMessage,
  ChatTool,
  ResponseFormat,
  ToolCall,
  UserContentPart,
} from './openai.ts';

const ItemSchema = z.looseObject({ type: z.string().optional(), role: z.string().optional() });

const ToolSchema = z.looseObject({ type: z.string(), name: z.string().optional() });

/** An inbound `POST /v1/responses` body. */
export const ResponsesRequestSchema = z.looseObject({
  model: z.string().min(1, 'model must not be empty'),
  input: z.union([z.string(), z.array(ItemSchema)]).optional(),
  instructions: z.string().nullish(),
  previous_response_id: z.string().nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  tools: z.array(ToolSchema).nullish(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.looseObject({ format: z.looseObject({ type: z.string() }).nullish() }).nullish(),
  reasoning: z
    .looseObject({ effort: z.string().nullish(), summary: z.string().nullish() })
    .nullish(),
  max_output_tokens: z.int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  user: z.string().nullish(),
  include: z.array(z.string()).nullish(),
  prompt_cache_key: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
});
export type ResponsesRequest = z.infer<typeof ResponsesRequestSchema>;
export type ResponsesItem = z.infer<typeof ItemSchema>;

/** The separator of a namespaced tool's flattened function name. */
export const NAMESPACE_SEPARATOR = '__';

type Part = UserContentPart;

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** One content part of a message item as a hub part (null when it carries nothing a model reads). */
function part(raw: unknown): Part | null {
  if (typeof raw === 'string') return { type: 'text', text: raw };
  if (raw === null || typeof raw !== 'object') return null;
  const p = raw as Record<string, unknown>;
  switch (p.type) {
    case 'input_text':
    case 'output_text':
    case 'text':
      return { type: 'text', text: str(p.text) ?? '' };
    case 'refusal':
      return { type: 'text', text: str(p.refusal) ?? '' };
    case 'input_image': {
      const url = str(p.image_url);
      if (url === undefined) return { type: 'text', text: '[image by file id omitted]' };
      const detail = str(p.detail);
      return { type: 'image_url', image_url: detail ? { url, detail } : { url } };
    }
    case 'input_file': {
      const data = str(p.file_data);
      const fileId = str(p.file_id);
      const name = str(p.filename);
      if (data === undefined && fileId === undefined) {
        const url = str(p.file_url);
        return { type: 'text', text: `[file ${name ?? url ?? ''} omitted]` };
      }
      const file: { file_data?: string; file_id?: string; filename?: string } = {};
      if (data !== undefined) file.file_data = data;
      if (fileId !== undefined) file.file_id = fileId;
      if (name !== undefined) file.filename = name;
      return { type: 'file', file };
    }
    default:
      return null;
  }
}

function contentParts(content: unknown): Part[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  return content.map(part).filter((p): p is Part => p !== null);
}

function textOf(parts: Part[]): string {
  return parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
}

/** A function call or custom tool call output as text (tool messages hold text only). */
function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  return textOf(contentParts(output));
}

/** The last message if it is an assistant's that can still take tool calls. */
function openAssistant(out: ChatMessage[]): Extract<ChatMessage, { role: 'assistant' }> {
  const last = out.at(-1);
  if (last?.role === 'assistant') return last;
  const message: ChatMessage = { role: 'assistant', content: null };
  out.push(message);
  return message;
}

function pushCall(out: ChatMessage[], call: ToolCall): void {
  const assistant = openAssistant(out);
  assistant.tool_calls = [...(assistant.tool_calls ?? []), call];
}

function translateItem(item: ResponsesItem, out: ChatMessage[]): void {
  const record = item as Record<string, unknown>;
  const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
  switch (type) {
    case 'message': {
      const parts = contentParts(record.content);
      if (item.role === 'assistant') {
        const text = textOf(parts);
        const last = out.at(-1);
        // An assistant's text after its own tool calls of the same turn starts a new message.
        if (last?.role === 'assistant' && !last.tool_calls && typeof last.content === 'string')
          last.content += text;
        else out.push({ role: 'assistant', content: text });
      } else if (item.role === 'system' || item.role === 'developer') {
        const text = textOf(parts);
        if (text !== '') out.push({ role: 'system', content: text });
      } else if (parts.length > 0) {
        out.push({
          role: 'user',
          content: parts.every((p) => p.type === 'text') ? textOf(parts) : parts,
        });
      }
      return;
    }
    case 'function_call': {
      const namespace = str(record.namespace);
      const name = str(record.name) ?? '';
      pushCall(out, {
        id: str(record.call_id) ?? '',
        type: 'function',
        function: {
          name: namespace ? `${namespace}${NAMESPACE_SEPARATOR}${name}` : name,
          arguments: str(record.arguments) ?? '{}',
        },
      });
      return;
    }
    case 'custom_tool_call':
      pushCall(out, {
        id: str(record.call_id) ?? '',
        type: 'function',
        function: {
          name: str(record.name) ?? '',
          arguments: JSON.stringify({ input: str(record.input) ?? '' }),
        },
      });
      return;
    case 'function_call_output':
    case 'custom_tool_call_output':
      out.push({
        role: 'tool',
        tool_call_id: str(record.call_id) ?? '',
        content: outputText(record.output),
      });
      return;
    default:
      // reasoning items, hosted tool calls, item references: nothing another model can read.
      return;
  }
}

/** A custom (freeform) tool as a function taking its whole input as one string. */
function customAsFunction(tool: Record<string, unknown>, name: string): ChatTool {
  const format = tool.format as
    { type?: unknown; syntax?: unknown; definition?: unknown } | undefined;
  const grammar =
    format?.type === 'grammar' && typeof format.definition === 'string'
      ? ` It follows this ${str(format.syntax) ?? ''} grammar:\n${format.definition}`
      : '';
  const description = `${str(tool.description) ?? ''}${grammar}`.trim();
  return {
    type: 'function',
    function: {
      name,
      ...(description !== '' ? { description } : {}),
      parameters: {
        type: 'object',
        properties: { input: { type: 'string', description: 'The raw input of the tool.' } },
        required: ['input'],
      },
    },
  };
}

function functionTool(tool: Record<string, unknown>, name: string): ChatTool {
  const description = str(tool.description);
  const parameters = tool.parameters as Record<string, unknown> | null | undefined;
  return {
    type: 'function',
    function: {
      name,
      ...(description !== undefined ? { description } : {}),
      parameters: parameters ?? { type: 'object', properties: {} },
      ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
    },
  };
}

/** Function, custom and namespaced tools as hub functions; hosted tools are left out. */
function translateTools(tools: NonNullable<ResponsesRequest['tools']>, prefix = ''): ChatTool[] {
  const out: ChatTool[] = [];
  for (const tool of tools) {
    const record = tool as Record<string, unknown>;
    const name = `${prefix}${tool.name ?? ''}`;
    if (tool.type === 'function' && tool.name) out.push(functionTool(record, name));
    else if (tool.type === 'custom' && tool.name) out.push(customAsFunction(record, name));
    else if (tool.type === 'namespace' && tool.name && Array.isArray(record.tools))
      out.push(
        ...translateTools(
          record.tools as NonNullable<ResponsesRequest['tools']>,
          `${name}${NAMESPACE_SEPARATOR}`,
        ),
      );
  }
  return out;
}

/** A namespaced tool's flattened function name → its namespace and own name. */
export type NamespacedTools = ReadonlyMap<string, { namespace: string; name: string }>;

/**
 * The namespaced tools a request offers, by flattened name: their calls go back as a
 * function_call with `namespace` and the tool's own name (Codex answers "unsupported call" to
 * the flattened name).
 */
export function namespacedToolNames(req: ResponsesRequest): NamespacedTools {
  const out = new Map<string, { namespace: string; name: string }>();
  for (const tool of req.tools ?? []) {
    const tools = (tool as Record<string, unknown>).tools;
    if (tool.type !== 'namespace' || !tool.name || !Array.isArray(tools)) continue;
    for (const inner of tools as Array<{ name?: unknown }>)
      if (typeof inner.name === 'string')
        out.set(`${tool.name}${NAMESPACE_SEPARATOR}${inner.name}`, {
          namespace: tool.name,
          name: inner.name,
        });
  }
  return out;
}

/** The names of the custom tools a request offers: their calls go back as custom_tool_call. */
export function customToolNames(req: ResponsesRequest): Set<string> {
  return new Set((req.tools ?? []).flatMap((t) => (t.type === 'custom' && t.name ? [t.name] : [])));
}

function toolChoice(
  choice: ResponsesRequest['tool_choice'],
  tools: ChatTool[],
): ChatCompletionRequest['tool_choice'] | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (typeof choice === 'string')
    return choice === 'none' || choice === 'auto' || choice === 'required' ? choice : undefined;
  const name = str((choice as Record<string, unknown>).name);
  if ((choice.type === 'function' || choice.type === 'custom') && name !== undefined)
    return tools.some((t) => t.type === 'function' && t.function.name === name)
      ? { type: 'function', function: { name } }
      : undefined;
  return undefined;
}

function responseFormat(text: ResponsesRequest['text']): ResponseFormat | undefined {
  const format = text?.format as Record<string, unknown> | null | undefined;
  if (!format) return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type !== 'json_schema') return undefined;
  const schema = format.schema as Record<string, unknown> | undefined;
  const description = str(format.description);
  return {
    type: 'json_schema',
    json_schema: {
      name: str(format.name) ?? 'response',
      ...(description !== undefined ? { description } : {}),
      ...(schema !== undefined ? { schema } : {}),
      ...(typeof format.strict === 'boolean' ? { strict: format.strict } : {}),
    },
  };
}

/**
 * Translates a validated Responses request (its `previous_response_id` already expanded into
 * `input` by the caller) into the hub request.
 */
export function responsesToOpenAiRequest(req: ResponsesRequest): Translated<ChatCompletionRequest> {
  const messages: ChatMessage[] = [];
  if (req.instructions) messages.push({ role: 'system', content: req.instructions });
  if (typeof req.input === 'string') messages.push({ role: 'user', content: req.input });
  else for (const item of req.input ?? []) translateItem(item, messages);
  const out: ChatCompletionRequest = { model: req.model, messages };
  const tools = translateTools(req.tools ?? []);
  if (tools.length > 0) {
    out.tools = tools;
    const choice = toolChoice(req.tool_choice, tools);
    if (choice !== undefined) out.tool_choice = choice;
    if (typeof req.parallel_tool_calls === 'boolean')
      out.parallel_tool_calls = req.parallel_tool_calls;
  }
  const format = responseFormat(req.text);
  if (format !== undefined) out.response_format = format;
  if (req.reasoning?.effort) out.reasoning_effort = req.reasoning.effort;
  if (req.max_output_tokens) out.max_tokens = req.max_output_tokens;
  if (typeof req.temperature === 'number') out.temperature = req.temperature;
  if (typeof req.top_p === 'number') out.top_p = req.top_p;
  if (req.user) out.user = req.user;
  if (req.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  return { ok: true, value: out };
}

/** The input as items: a string is one user message. */
export function inputItems(input: ResponsesRequest['input']): ResponsesItem[] {
  if (input === undefined) return [];
  return typeof input === 'string' ? [{ type: 'message', role: 'user', content: input }] : input;
}

/** A request continuing a stored conversation: the stored items, then its own input. */
export function continueConversation(
  req: ResponsesRequest,
  conversation: readonly unknown[],
): ResponsesRequest {
  return { ...req, input: [...(conversation as ResponsesItem[]), ...inputItems(req.input)] };
}

/** What a stored answer keeps for a follow-up: the whole input it answered, then its output. */
export function conversationOf(req: ResponsesRequest, output: readonly unknown[]): unknown[] {
  return [...inputItems(req.input), ...output];
}
