/**
 * The hub's answers in Gemini's terms, for Gemini-native callers: a whole `ChatCompletion` as a
 * `GenerateContentResponse`, the pieces the stream translator shares, and the model list.
 */
import { mapReason, parseJsonObject } from './common.ts';
import type { GeminiPart, GeminiUsageMetadata, GenerateContentResponse } from './gemini.ts';
import type { ChatCompletion, FinishReason, ToolCall, Usage } from './openai.ts';

const GEMINI_FINISH_OF: Readonly<Record<string, string>> = {
  length: 'MAX_TOKENS',
  content_filter: 'SAFETY',
};

/** OpenAI `finish_reason` → Gemini `finishReason`. */
export function geminiFinishReasonOf(reason: FinishReason | null): string | undefined {
  return mapReason(GEMINI_FINISH_OF, 'STOP', reason) ?? undefined;
}

/** OpenAI usage → Gemini `usageMetadata` (thinking counted apart, as Gemini does). */
export function geminiUsageOf(usage: Usage): GeminiUsageMetadata {
  const thoughts = usage.completion_tokens_details?.reasoning_tokens ?? 0;
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    promptTokenCount: usage.prompt_tokens,
    candidatesTokenCount: Math.max(0, usage.completion_tokens - thoughts),
    totalTokenCount: usage.total_tokens,
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
    ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
  };
}

/** A hub tool call as a Gemini `functionCall` part (its id and thought signature kept). */
export function functionCallPart(call: ToolCall): GeminiPart {
  const part: GeminiPart = {
    functionCall: {
      name: call.function.name,
      args: parseJsonObject(call.function.arguments) ?? {},
      id: call.id,
    },
  };
  const signature = call.extra_content?.google?.thought_signature;
  if (signature !== undefined) part.thoughtSignature = signature;
  return part;
}

/** A hub answer as a `GenerateContentResponse`. */
export function openAiToGeminiResponse(
  completion: ChatCompletion,
  model: string,
): GenerateContentResponse {
  const choice = completion.choices[0];
  const message = choice?.message;
  const parts: GeminiPart[] = [];
  const reasoning =
    message?.reasoning_content ?? (message as { reasoning?: string } | undefined)?.reasoning;
  if (typeof reasoning === 'string' && reasoning !== '')
    parts.push({ text: reasoning, thought: true });
  const text = message?.content ?? message?.refusal;
  if (typeof text === 'string' && text !== '') parts.push({ text });
  for (const call of message?.tool_calls ?? []) parts.push(functionCallPart(call));
  const finishReason = geminiFinishReasonOf(choice?.finish_reason ?? 'stop');
  return {
    candidates: [
      {
        content: { role: 'model', parts },
        ...(finishReason !== undefined ? { finishReason } : {}),
        index: 0,
      },
    ],
    ...(completion.usage !== undefined ? { usageMetadata: geminiUsageOf(completion.usage) } : {}),
    modelVersion: model,
    responseId: completion.id,
  };
}

/** The model list (`GET /v1beta/models`) as Gemini model objects: routes, then `provider/model`s. */
export function geminiModelList(ids: ReadonlyArray<{ id: string }>): {
  models: Array<Record<string, unknown>>;
} {
  return {
    models: ids.map(({ id }) => ({
      name: `models/${id}`,
      displayName: id,
      description: 'A Switchyard route or provider model',
      supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
    })),
  };
}
