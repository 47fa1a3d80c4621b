/**
 * Gemini-native callers (Gemini CLI, @google/genai) in front of non-Gemini targets: the
 * `generateContent` request → the OpenAI hub request, and an OpenAI response → a
 * `GenerateContentResponse` (the stream is in geminiInboundStream.ts). A Gemini target gets the
 * body untouched (passthrough), so none of this applies there.
 *
 * - The model comes from the URL path (`models/{model}:generateContent`), never the body.
 * - `functionCall` parts without an `id` get one here; a `functionResponse` is matched to its
 *   call by `id` when the caller sent one that is known, else to the oldest open call of that name.
 * - `functionDeclarations[].parameters` (Gemini's OpenAPI subset, upper-case types) becomes JSON
 *   Schema; `parametersJsonSchema` is JSON Schema already. `responseSchema` and
 *   `responseJsonSchema` become `response_format: json_schema`, a bare JSON mime type
 *   `json_object`.
 *
 * What does not carry over, on purpose:
 * - `thinkingConfig`: `reasoning_effort` would be its counterpart, but only reasoning models take
 *   it (gpt-4o-mini answers 400) and Gemini CLI sends a budget with every request.
 * - Thought parts and `thoughtSignature`s of earlier turns: they were written (and signed) by a
 *   Gemini model, which gets them back untouched (passthrough); other models neither read nor
 *   accept them. `safetySettings`, `cachedContent`, `topK` and
 *   server tools (googleSearch, codeExecution, …) have no field in the hub.
 * - Inline data that is not an image, and `fileData` references, become a one-line note.
 */
import { z } from 'zod';
import type { Translated } from './common.ts';
import type {
  ChatCompletionRequest,
  ChatMessage,
  ChatTool,
  ToolCall,
  UserContentPart,
} from './openai.ts';
import { type GeminiPart, GeminiPartSchema } from './gemini.ts';

const PartSchema = GeminiPartSchema.extend({
  inlineData: z.looseObject({ mimeType: z.string(), data: z.string() }).optional(),
  fileData: z.looseObject({ mimeType: z.string().optional(), fileUri: z.string() }).optional(),
  functionResponse: z
    .looseObject({
      name: z.string(),
      response: z.record(z.string(), z.unknown()).nullish(),
      id: z.string().optional(),
    })
    .optional(),
});

const ContentSchema = z.looseObject({
  role: z.string().optional(),
  parts: z.array(PartSchema).default([]),
});

const SchemaObject = z.record(z.string(), z.unknown());

const DeclarationSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: SchemaObject.optional(),
  parametersJsonSchema: SchemaObject.optional(),
});

/** An inbound `generateContent` / `streamGenerateContent` body. */
export const GeminiInboundRequestSchema = z.looseObject({
  contents: z.array(ContentSchema).min(1, 'contents must not be empty'),
  systemInstruction: z
    .union([z.string(), z.looseObject({ parts: z.array(PartSchema).default([]) })])
    .optional(),
  tools: z
    .array(z.looseObject({ functionDeclarations: z.array(DeclarationSchema).optional() }))
    .optional(),
  toolConfig: z
    .looseObject({
      functionCallingConfig: z
        .looseObject({
          mode: z.string().optional(),
          allowedFunctionNames: z.array(z.string()).optional(),
        })
        .optional(),
    })
    .optional(),
  generationConfig: z
    .looseObject({
      temperature: z.number().optional(),
      topP: z.number().optional(),
      maxOutputTokens: z.int().positive().optional(),
      stopSequences: z.array(z.string()).optional(),
      candidateCount: z.int().min(1).optional(),
      seed: z.int().optional(),
      presencePenalty: z.number().optional(),
      frequencyPenalty: z.number().optional(),
      responseMimeType: z.string().optional(),
      responseSchema: SchemaObject.optional(),
      responseJsonSchema: SchemaObject.optional(),
    })
    .optional(),
});
export type GeminiInboundRequest = z.infer<typeof GeminiInboundRequestSchema>;

/** An inbound `countTokens` body: the contents, or a whole `generateContentRequest`. */
export const GeminiCountTokensRequestSchema = z.looseObject({
  contents: z.array(ContentSchema).optional(),
  generateContentRequest: z.looseObject({}).optional(),
});
export type GeminiCountTokensRequest = z.infer<typeof GeminiCountTokensRequestSchema>;

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Gemini's OpenAPI `Schema` (upper-case types, `nullable`) → JSON Schema. */
export function fromGeminiSchema(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'type' && typeof value === 'string') out.type = value.toLowerCase();
    else if (key === 'nullable') continue;
    else if (key === 'properties' && isSchema(value))
      out.properties = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, isSchema(v) ? fromGeminiSchema(v) : v]),
      );
    else if (key === 'items' && isSchema(value)) out.items = fromGeminiSchema(value);
    else if (key === 'anyOf' && Array.isArray(value))
      out.anyOf = value.map((v) => (isSchema(v) ? fromGeminiSchema(v) : v));
    else if (key !== 'propertyOrdering') out[key] = value;
  }
  if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

function note(what: string): UserContentPart {
  return { type: 'text', text: `[${what} omitted: not available to this model]` };
}

function userPart(part: GeminiPart): UserContentPart | null {
  if (part.thought === true) return null;
  if (part.text !== undefined) return { type: 'text', text: part.text };
  if (part.inlineData !== undefined) {
    const { mimeType, data } = part.inlineData;
    return mimeType.startsWith('image/')
      ? { type: 'image_url', image_url: { url: `data:${mimeType};base64,${data}` } }
      : note(`${mimeType} data`);
  }
  if (part.fileData !== undefined) return note(`file ${part.fileData.fileUri}`);
  return null;
}

/** A functionResponse's payload as tool message text: its `output` when that is all it holds. */
function toolResultText(response: Record<string, unknown> | null | undefined): string {
  const value = response ?? {};
  const keys = Object.keys(value);
  if (keys.length === 1 && typeof value.output === 'string') return value.output;
  if (keys.length === 1 && typeof value.error === 'string') return `Error: ${value.error}`;
  return JSON.stringify(value);
}

/** Tool call ids for a conversation whose calls may have none, matched to their responses. */
class CallIds {
  private readonly open = new Map<string, string[]>();
  private readonly known = new Set<string>();
  private n = 0;
  call(name: string, id: string | undefined): string {
    const callId = id ?? `gemini_call_${++this.n}`;
    this.known.add(callId);
    const list = this.open.get(name) ?? [];
    list.push(callId);
    this.open.set(name, list);
    return callId;
  }
  response(name: string, id: string | undefined): string | undefined {
    const list = this.open.get(name) ?? [];
    const chosen = id !== undefined && this.known.has(id) ? id : list[0];
    if (chosen !== undefined) {
      // The oldest open call is the usual answer: shift, not splice, makes no array.
      const at = list.indexOf(chosen);
      if (at === 0) list.shift();
      else if (at !== -1) list.splice(at, 1);
    }
    return chosen;
  }
}

function systemText(system: GeminiInboundRequest['systemInstruction']): string {
  if (system === undefined) return '';
  if (typeof system === 'string') return system;
  return system.parts.map((p) => p.text ?? '').join('\n');
}

/** A model turn as an assistant message: its text (thoughts left out) and its function calls. */
function assistantMessage(parts: GeminiPart[], ids: CallIds): ChatMessage | undefined {
  let text = '';
  let calls: ToolCall[] | undefined;
  for (const p of parts) {
    if (p.thought !== true && p.text !== undefined) text += p.text;
    const call = p.functionCall;
    if (call === undefined) continue;
    (calls ??= []).push({
      id: ids.call(call.name, call.id),
      type: 'function',
      function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
    });
  }
  if (text === '' && calls === undefined) return undefined;
  const message: ChatMessage = { role: 'assistant', content: text === '' ? null : text };
  if (calls !== undefined) message.tool_calls = calls;
  return message;
}

/**
 * The contents as chat messages, in one pass over each content's parts with no arrays but the
 * ones kept: Gemini CLI's 300-content body made 320 KB of garbage with filter/map/flatMap.
 */
function messagesOf(req: GeminiInboundRequest): Translated<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  const system = systemText(req.systemInstruction);
  if (system !== '') messages.push({ role: 'system', content: system });
  const ids = new CallIds();
  const { contents } = req;
  for (let i = 0; i < contents.length; i++) {
    const content = contents[i] as (typeof contents)[number];
    const parts = content.parts as GeminiPart[];
    if (content.role === 'model') {
      const message = assistantMessage(parts, ids);
      if (message !== undefined) messages.push(message);
      continue;
    }
    let userParts: UserContentPart[] | undefined;
    for (const p of parts) {
      const part = userPart(p);
      if (part !== null) (userParts ??= []).push(part);
      if (p.functionResponse === undefined) continue;
      const callId = ids.response(p.functionResponse.name, p.functionResponse.id);
      if (callId === undefined)
        return {
          ok: false,
          error: {
            status: 400,
            type: 'invalid_request_error',
            message: `contents[${i}]: the functionResponse "${p.functionResponse.name}" answers no earlier functionCall`,
          },
        };
      messages.push({
        role: 'tool',
        tool_call_id: callId,
        content: toolResultText(p.functionResponse.response),
      });
    }
    if (userParts !== undefined) messages.push({ role: 'user', content: userParts });
  }
  return { ok: true, value: messages };
}

function toolsOf(req: GeminiInboundRequest): ChatTool[] {
  return (req.tools ?? []).flatMap((tool) =>
    (tool.functionDeclarations ?? []).map((d) => {
      const parameters =
        d.parametersJsonSchema ??
        (d.parameters !== undefined ? fromGeminiSchema(d.parameters) : undefined);
      return {
        type: 'function' as const,
        function: {
          name: d.name,
          ...(d.description !== undefined ? { description: d.description } : {}),
          parameters: parameters ?? { type: 'object', properties: {} },
        },
      };
    }),
  );
}

function toolChoiceOf(req: GeminiInboundRequest): ChatCompletionRequest['tool_choice'] {
  const config = req.toolConfig?.functionCallingConfig;
  switch (config?.mode) {
    case 'NONE':
      return 'none';
    case 'ANY': {
      const names = config.allowedFunctionNames ?? [];
      return names.length === 1
        ? { type: 'function', function: { name: names[0] as string } }
        : 'required';
    }
    default:
      return undefined;
  }
}

function responseFormatOf(req: GeminiInboundRequest): ChatCompletionRequest['response_format'] {
  const config = req.generationConfig;
  const schema =
    config?.responseJsonSchema ??
    (config?.responseSchema !== undefined ? fromGeminiSchema(config.responseSchema) : undefined);
  if (schema !== undefined)
    return { type: 'json_schema', json_schema: { name: 'response', schema } };
  return config?.responseMimeType === 'application/json' ? { type: 'json_object' } : undefined;
}

/** A Gemini request (the model from its URL) as the hub's chat request. */
export function geminiToOpenAiRequest(
  req: GeminiInboundRequest,
  model: string,
  stream: boolean,
): Translated<ChatCompletionRequest> {
  const messages = messagesOf(req);
  if (!messages.ok) return messages;
  if (messages.value.length === 0)
    return {
      ok: false,
      error: { status: 400, type: 'invalid_request_error', message: 'contents hold no text' },
    };
  const g = req.generationConfig ?? {};
  const out: ChatCompletionRequest = { model, messages: messages.value, stream };
  if (stream) out.stream_options = { include_usage: true };
  if (g.temperature !== undefined) out.temperature = g.temperature;
  if (g.topP !== undefined) out.top_p = g.topP;
  if (g.maxOutputTokens !== undefined) out.max_tokens = g.maxOutputTokens;
  if (g.stopSequences !== undefined && g.stopSequences.length > 0) out.stop = g.stopSequences;
  if (g.candidateCount !== undefined && g.candidateCount > 1) out.n = g.candidateCount;
  if (g.seed !== undefined) out.seed = g.seed;
  if (g.presencePenalty !== undefined) out.presence_penalty = g.presencePenalty;
  if (g.frequencyPenalty !== undefined) out.frequency_penalty = g.frequencyPenalty;
  const tools = toolsOf(req);
  if (tools.length > 0) {
    out.tools = tools;
    const choice = toolChoiceOf(req);
    if (choice !== undefined) out.tool_choice = choice;
  }
  const format = responseFormatOf(req);
  if (format !== undefined) out.response_format = format;
  return { ok: true, value: out };
}
