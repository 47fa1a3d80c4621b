/**
 * OpenAI Chat Completions request → Gemini `generateContent` request (the response and stream
 * are in geminiTargetResponse.ts). The model and streaming are chosen by the URL
 * (`geminiMethodPath`), not the body.
 *
 * Notes:
 * - Tool results need the function's name, which OpenAI keeps only on the assistant's earlier
 *   tool call: it is looked up by `tool_call_id`; an unknown id is a 400.
 * - Gemini 3 refuses a replayed function call without its thought signature. The signature
 *   travels in `tool_calls[].extra_content.google.thought_signature` (as on Gemini's own
 *   OpenAI endpoint); when a history has none (another model wrote it), the first call of
 *   each turn gets `skip_thought_signature_validator`, the value Google documents for that case.
 * - Image URLs go as `fileData` (Gemini fetches public and signed https URLs); their MIME type
 *   is guessed from the file extension, defaulting to image/jpeg.
 * - `n > 1`, `logprobs`, more than 5 stop sequences, uploaded `file_id`s, custom tools and the
 *   legacy `function` role are refused with a 400. `user`, `logit_bias`,
 *   `parallel_tool_calls` and `reasoning_effort` are dropped.
 */
import type { Translated } from './common.ts';
import { invalidRequest, parseDataUrl, parseJsonObject } from './common.ts';
import type {
  GeminiContent,
  GeminiFunctionDeclaration,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiRequest,
} from './gemini.ts';
import { isEmptyObjectSchema, toGeminiSchema } from './geminiSchema.ts';
import {
  assistantTexts,
  contentText,
  legacyFunctionRole,
  stopSequences,
  toolCallArguments,
  translateTools,
  translateEach,
  turnAppender,
  type RequestedTools,
} from './hubRequest.ts';
import type { ChatCompletionRequest, ChatMessage, UserContentPart } from './openai.ts';

/** Gemini's limit on `stopSequences`. */
export const GEMINI_MAX_STOP_SEQUENCES = 5;

/** The signature Google documents for replaying function calls it did not sign. */
export const GEMINI_SKIP_SIGNATURE = 'skip_thought_signature_validator';

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

function guessMimeType(url: string): string {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return MIME_BY_EXTENSION[extension] ?? 'image/jpeg';
}

function userPart(part: UserContentPart, at: string): Translated<GeminiPart | null> {
  switch (part.type) {
    case 'text':
      return { ok: true, value: part.text === '' ? null : { text: part.text } };
    case 'image_url': {
      const url = part.image_url.url;
      const data = parseDataUrl(url);
      if (data !== null) {
        return { ok: true, value: { inlineData: { mimeType: data.mediaType, data: data.data } } };
      }
      if (!/^https?:\/\//i.test(url)) {
        return invalidRequest('image_url.url must be an http(s) or base64 data: URL', at);
      }
      return { ok: true, value: { fileData: { mimeType: guessMimeType(url), fileUri: url } } };
    }
    case 'input_audio': {
      const { data, format } = part.input_audio;
      return { ok: true, value: { inlineData: { mimeType: `audio/${format}`, data } } };
    }
    case 'file': {
      const data = part.file.file_data === undefined ? null : parseDataUrl(part.file.file_data);
      if (data === null) {
        return invalidRequest('Only files sent inline as base64 data: URLs can be translated', at);
      }
      return { ok: true, value: { inlineData: { mimeType: data.mediaType, data: data.data } } };
    }
  }
}

/** A tool result as Gemini wants it: a JSON object, else `{output}` as its docs suggest. */
function functionResponse(text: string): Record<string, unknown> {
  const object = parseJsonObject(text);
  if (object !== null && text.trim() !== '') return object;
  try {
    return { output: JSON.parse(text) as unknown };
  } catch {
    return { output: text };
  }
}

type Converted = Pick<GeminiRequest, 'contents' | 'systemInstruction'>;

function translateMessages(source: ChatMessage[]): Translated<Converted> {
  const system: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  const names = new Map<string, string>();
  const append = turnAppender(
    contents,
    (turn) => turn.parts,
    (role, parts) => ({ role, parts }),
  );
  for (const [i, message] of source.entries()) {
    const at = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = contentText(message.content);
        if (text !== '') system.push({ text });
        break;
      }
      case 'user': {
        if (typeof message.content === 'string') {
          if (message.content !== '') append('user', [{ text: message.content }]);
          break;
        }
        const parts = translateEach(message.content, (item, j) =>
          userPart(item, `${at}.content[${j}]`),
        );
        if (!parts.ok) return parts;
        append('user', parts.value);
        break;
      }
      case 'assistant': {
        const parts: GeminiPart[] = [];
        // Thinking the caller sends back (an Anthropic caller: only this model's own) leads.
        const reasoning = message.reasoning_content;
        if (typeof reasoning === 'string' && reasoning !== '')
          parts.push({ text: reasoning, thought: true });
        for (const { text } of assistantTexts(message.content)) parts.push({ text });
        const calls = translateEach(message.tool_calls ?? [], (call, j) => {
          const args = toolCallArguments(call, at, j);
          if (!args.ok) return args;
          names.set(call.id, call.function.name);
          const part: GeminiPart = { functionCall: { name: call.function.name, args: args.value } };
          const extra = call.extra_content as
            { google?: { thought_signature?: unknown } } | undefined;
          const signature = extra?.google?.thought_signature;
          if (typeof signature === 'string') part.thoughtSignature = signature;
          else if (j === 0) part.thoughtSignature = GEMINI_SKIP_SIGNATURE;
          return { ok: true, value: part };
        });
        if (!calls.ok) return calls;
        append('model', [...parts, ...calls.value]);
        break;
      }
      case 'tool': {
        const name = names.get(message.tool_call_id);
        if (name === undefined) {
          return invalidRequest(
            `No earlier assistant tool call has the id "${message.tool_call_id}"`,
            `${at}.tool_call_id`,
          );
        }
        const response = functionResponse(contentText(message.content));
        append('user', [{ functionResponse: { name, response } }]);
        break;
      }
      case 'function':
        return legacyFunctionRole(at);
    }
  }
  const value: Converted = { contents };
  if (system.length > 0) value.systemInstruction = { parts: system };
  return { ok: true, value };
}

function geminiTools({
  functions,
  choice,
}: RequestedTools): Pick<GeminiRequest, 'tools' | 'toolConfig'> {
  const declarations: GeminiFunctionDeclaration[] = [];
  for (const { name, description, parameters } of functions) {
    const declaration: GeminiFunctionDeclaration = { name };
    if (description !== undefined) declaration.description = description;
    if (parameters !== undefined) {
      const converted = toGeminiSchema(parameters);
      if (!isEmptyObjectSchema(converted)) declaration.parameters = converted;
    }
    declarations.push(declaration);
  }
  let config: NonNullable<GeminiRequest['toolConfig']>['functionCallingConfig'];
  if (choice.mode === 'none') config = { mode: 'NONE' };
  else if (choice.name !== undefined) {
    config = { mode: 'ANY', allowedFunctionNames: [choice.name] };
  } else config = { mode: choice.mode === 'required' ? 'ANY' : 'AUTO' };
  return {
    tools: [{ functionDeclarations: declarations }],
    toolConfig: { functionCallingConfig: config },
  };
}

function generationConfig(req: ChatCompletionRequest): Translated<GeminiGenerationConfig> {
  const config: GeminiGenerationConfig = {};
  if (req.temperature != null) config.temperature = req.temperature;
  if (req.top_p != null) config.topP = req.top_p;
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (maxTokens != null) config.maxOutputTokens = maxTokens;
  const stops = stopSequences(req);
  if (stops.length > GEMINI_MAX_STOP_SEQUENCES) {
    return invalidRequest(
      `Gemini accepts at most ${GEMINI_MAX_STOP_SEQUENCES} stop sequences`,
      'stop',
    );
  }
  if (stops.length > 0) config.stopSequences = stops;
  if (req.seed != null) config.seed = req.seed;
  if (req.presence_penalty != null) config.presencePenalty = req.presence_penalty;
  if (req.frequency_penalty != null) config.frequencyPenalty = req.frequency_penalty;
  const format = req.response_format;
  if (format && format.type !== 'text') {
    config.responseMimeType = 'application/json';
    if (format.type === 'json_schema' && format.json_schema.schema !== undefined) {
      config.responseSchema = toGeminiSchema(format.json_schema.schema);
    }
  }
  return { ok: true, value: config };
}

/**
 * Translates a validated Chat Completions request into a `generateContent` body: roles
 * user/model, system and developer messages into `systemInstruction`, tool calls and results
 * into `functionCall`/`functionResponse` parts, consecutive turns of one role merged.
 */
export function openAiToGeminiRequest(req: ChatCompletionRequest): Translated<GeminiRequest> {
  if (req.n != null && req.n > 1) return invalidRequest('n > 1 is not supported for Gemini', 'n');
  if (req.logprobs === true) {
    return invalidRequest('logprobs are not available from Gemini', 'logprobs');
  }
  const messages = translateMessages(req.messages);
  if (!messages.ok) return messages;
  const tools = translateTools(req, 'Gemini', geminiTools);
  if (!tools.ok) return tools;
  const config = generationConfig(req);
  if (!config.ok) return config;
  const out: GeminiRequest = { ...messages.value, ...tools.value };
  if (Object.keys(config.value).length > 0) out.generationConfig = config.value;
  return { ok: true, value: out };
}

/**
 * An Anthropic caller's `thinking` setting for a Gemini target: `enabled` or `adaptive` asks for
 * thought summaries (`includeThoughts`), which come back as thinking blocks. The budget is not
 * passed on: Gemini's ranges differ per model (2.5 Flash takes at most 24,576, Claude Code asks
 * for more), and a budget out of range is a 400.
 */
export function withGeminiThinking(
  req: GeminiRequest,
  thinking: { type: string } | undefined,
): GeminiRequest {
  if (thinking === undefined || thinking.type === 'disabled') return req;
  return {
    ...req,
    generationConfig: { ...req.generationConfig, thinkingConfig: { includeThoughts: true } },
  };
}
