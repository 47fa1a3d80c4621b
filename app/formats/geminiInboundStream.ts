/**
 * OpenAI chunks (the hub) → Gemini `streamGenerateContent` chunks, for Gemini-native callers in
 * front of non-Gemini targets. Text and thinking go out as they come; a tool call goes out whole
 * (Gemini never streams a function call's arguments), with the finish reason and usage in the
 * last chunk, as Gemini sends them.
 */
import type { GeminiPart, GeminiUsageMetadata, GenerateContentResponse } from './gemini.ts';
import { functionCallPart, geminiFinishReasonOf, geminiUsageOf } from './geminiInboundResponse.ts';
import type { ChatCompletionChunk, FinishReason, ToolCall } from './openai.ts';

type PendingCall = { id: string; name: string; args: string; signature?: string };

export class OpenAiToGeminiStream {
  private readonly calls = new Map<number, PendingCall>();
  private finish: FinishReason | null = null;
  private usage: GeminiUsageMetadata | undefined;
  private responseId: string | undefined;

  private readonly model: string;

  constructor(model: string) {
    this.model = model;
  }

  private chunk(parts: GeminiPart[], finishReason?: string): GenerateContentResponse {
    return {
      candidates: [
        {
          ...(parts.length > 0 ? { content: { role: 'model', parts } } : {}),
          ...(finishReason !== undefined ? { finishReason } : {}),
          index: 0,
        },
      ],
      modelVersion: this.model,
      ...(this.responseId !== undefined ? { responseId: this.responseId } : {}),
    };
  }

  push(item: ChatCompletionChunk): GenerateContentResponse[] {
    this.responseId ??= item.id;
    if (item.usage) this.usage = geminiUsageOf(item.usage);
    const choice = item.choices[0];
    if (choice === undefined) return [];
    const parts: GeminiPart[] = [];
    const { delta } = choice;
    if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '')
      parts.push({ text: delta.reasoning_content, thought: true });
    if (typeof delta.content === 'string' && delta.content !== '')
      parts.push({ text: delta.content });
    for (const d of delta.tool_calls ?? []) {
      const call = this.calls.get(d.index) ?? { id: d.id ?? '', name: '', args: '' };
      if (d.id !== undefined) call.id = d.id;
      if (d.function?.name !== undefined) call.name += d.function.name;
      if (d.function?.arguments !== undefined) call.args += d.function.arguments;
      const signature = d.extra_content?.google?.thought_signature;
      if (signature !== undefined) call.signature = signature;
      this.calls.set(d.index, call);
    }
    if (choice.finish_reason != null) this.finish = choice.finish_reason;
    return parts.length > 0 ? [this.chunk(parts)] : [];
  }

  /** The last chunk: the tool calls, the finish reason and the usage. */
  end(complete: boolean): GenerateContentResponse[] {
    if (!complete) return [];
    const parts = [...this.calls.values()].map((c) => {
      const call: ToolCall = {
        id: c.id,
        type: 'function',
        function: { name: c.name, arguments: c.args },
      };
      if (c.signature !== undefined)
        call.extra_content = { google: { thought_signature: c.signature } };
      return functionCallPart(call);
    });
    const last = this.chunk(parts, geminiFinishReasonOf(this.finish ?? 'stop'));
    if (this.usage !== undefined) last.usageMetadata = this.usage;
    return [last];
  }
}
