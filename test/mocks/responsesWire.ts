/**
 * OpenAI's Responses API beside its Chat Completions (`POST {basePath}/responses`), for a mock
 * that stands in for a provider with `responsesApi` in the catalog. The request is read and the
 * answer written by Switchyard's own Responses translations (app/formats), on top of the chat
 * wire: what a test of the passthrough checks is that bytes go through untouched, not how they
 * were made.
 */
import {
  customToolNames,
  namespacedToolNames,
  ResponsesRequestSchema,
  responsesToOpenAiRequest,
} from '../../app/formats/responses.ts';
import type { ChatCompletion, ChatCompletionChunk } from '../../app/formats/openai.ts';
import { openAiToResponse, type ResponseContext } from '../../app/formats/responsesOutput.ts';
import {
  encodeResponsesEvent,
  OpenAiToResponsesStream,
} from '../../app/formats/responsesStream.ts';
import type { Answer, Turn } from './reply.ts';
import type { AnswerContext, Endpoint, Wire, WireEvent } from './wire.ts';

function context(body: unknown, turn: Turn, ctx: AnswerContext): ResponseContext {
  const request = ResponsesRequestSchema.parse(body);
  let n = 0;
  return {
    id: `resp_${ctx.id}`,
    model: turn.model,
    createdAt: ctx.created,
    request,
    customTools: customToolNames(request),
    namespacedTools: namespacedToolNames(request),
    itemId: (prefix) => `${prefix}_${ctx.id}_${++n}`,
  };
}

export function withResponses(wire: Wire, basePath: string): Wire {
  const path = `${basePath.replace(/\/$/, '')}/responses`;
  // The body of the request being answered: json/events get only the turn.
  const bodies = new WeakMap<Turn, unknown>();
  const chat: Endpoint = { kind: 'chat' };
  return {
    ...wire,
    route: (method, url) =>
      method === 'POST' && url.pathname === path
        ? { kind: 'chat', responses: true }
        : wire.route(method, url),
    parseTurn: (endpoint, body) => {
      if (endpoint.kind !== 'chat' || endpoint.responses !== true)
        return wire.parseTurn(endpoint, body);
      const parsed = ResponsesRequestSchema.safeParse(body);
      if (!parsed.success) return 'Invalid Responses request body.';
      const hub = responsesToOpenAiRequest(parsed.data);
      if (!hub.ok) return hub.error.message;
      const turn = wire.parseTurn(chat, hub.value);
      if (typeof turn === 'object') bodies.set(turn, body);
      return turn;
    },
    json: (endpoint, answer: Answer, turn, ctx) => {
      if (endpoint.kind !== 'chat' || endpoint.responses !== true)
        return wire.json(endpoint, answer, turn, ctx);
      const completion = wire.json(chat, answer, turn, ctx) as ChatCompletion;
      return openAiToResponse(completion, context(bodies.get(turn), turn, ctx));
    },
    events: (endpoint, answer, turn, ctx): WireEvent[] => {
      if (endpoint.kind !== 'chat' || endpoint.responses !== true)
        return wire.events(endpoint, answer, turn, ctx);
      const events = wire.events(chat, answer, { ...turn, includeUsage: true }, ctx);
      const stream = new OpenAiToResponsesStream(context(bodies.get(turn), turn, ctx));
      const out: WireEvent[] = [];
      for (const event of events) {
        const data = event.text.replace(/^data: /, '').trim();
        const items =
          data === '[DONE]'
            ? stream.end(true)
            : stream.push(JSON.parse(data) as ChatCompletionChunk);
        if (items.length > 0)
          out.push({ text: items.map(encodeResponsesEvent).join(''), tokens: event.tokens });
      }
      return out;
    },
  };
}
