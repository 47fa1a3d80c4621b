/**
 * The OpenAI Responses API, as a caller (/v1/responses: Codex CLI, the AI SDK's default, the
 * openai SDKs' `responses.*`). A provider that serves it too (`responsesApi` in the catalog) gets
 * it as sent (responsesPassthrough.ts); every other goes through the hub (app/formats/responses.ts,
 * responsesOutput.ts), ids made here.
 */
import { randomFillSync } from 'node:crypto';
import type { StreamError } from '../../../app/formats/common.ts';
import type { ChatCompletion } from '../../../app/formats/openai.ts';
import {
  conversationOf,
  customToolNames,
  namespacedToolNames,
  ResponsesRequestSchema,
  responsesToOpenAiRequest,
  type ResponsesRequest,
} from '../../../app/formats/responses.ts';
import { isResponsesRequest } from '../../../app/formats/responsesShape.ts';
import {
  openAiToResponse,
  type ResponseContext,
  type ResponseObject,
} from '../../../app/formats/responsesOutput.ts';
import {
  encodeResponsesEvent,
  OpenAiToResponsesStream,
} from '../../../app/formats/responsesStream.ts';
import type { Adapter, HubRequest } from '../adapter.ts';
import type { FromOpenAi } from '../relays.ts';
import { responsesPassthrough } from '../responsesPassthrough.ts';
import { openAiErrorBody } from './openai.ts';

/** Random bytes for ids, drawn 16 at a time from one buffer refilled when spent. */
const entropy = Buffer.allocUnsafe(16 * 256);
let drawn = entropy.length;

/** 32 random hex digits, as OpenAI's response and item ids carry. */
function hex32(): string {
  if (drawn === entropy.length) {
    randomFillSync(entropy);
    drawn = 0;
  }
  drawn += 16;
  return entropy.toString('hex', drawn - 16, drawn);
}

function context(req: HubRequest, model: string): ResponseContext {
  const request = req.body as ResponsesRequest;
  return {
    id: `resp_${hex32()}`,
    model,
    createdAt: Math.floor(req.receivedAt / 1000),
    request,
    customTools: customToolNames(request),
    namespacedTools: namespacedToolNames(request),
    itemId: (prefix) => `${prefix}_${hex32()}`,
  };
}

/** A failure after the first byte, when no stream state is at hand: an `error` event. */
function streamErrorText(error: StreamError): string {
  return encodeResponsesEvent({
    type: 'error',
    sequence_number: 0,
    code: error.code ?? error.type,
    message: error.message,
    param: null,
  });
}

/** A finished answer is kept when the request asked (`store`, on unless false). */
function keep(req: HubRequest, response: ResponseObject): void {
  const request = req.body as ResponsesRequest;
  if (request.store === false || response.status === 'failed') return;
  req.keepResponse?.(response, conversationOf(request, response.output));
}

function responsesCaller(req: HubRequest, model: string): FromOpenAi {
  const stream = new OpenAiToResponsesStream(context(req, model));
  const encode = (events: ReturnType<OpenAiToResponsesStream['push']>) =>
    events.map(encodeResponsesEvent).join('');
  return {
    push: (chunk) => encode(stream.push(chunk)),
    end: (complete) => {
      const text = encode(stream.end(complete));
      if (complete) keep(req, stream.response);
      return text;
    },
    errorText: (error) => encode(stream.push(error)),
  };
}

export const RESPONSES: Adapter<'responses'> = {
  format: 'responses',
  caller: {
    endpoints: {
      '/v1/responses': {
        kind: 'responses',
        schema: ResponsesRequestSchema,
        asSent: isResponsesRequest,
      },
    },
    ownsPath: (pathname) => pathname === '/v1/responses' || pathname.startsWith('/v1/responses/'),
    headers: () => ({}),
    toHub: (req) => responsesToOpenAiRequest(req.body as ResponsesRequest),
    answer: (completion: ChatCompletion, model, _producer, req) => {
      const response = openAiToResponse(completion, context(req, model));
      keep(req, response);
      return response;
    },
    stream: (model, _producer, req) => responsesCaller(req, model),
    // response.completed carries usage: the hub stream must bring it.
    includeUsage: () => true,
    errorBody: openAiErrorBody,
    streamErrorText,
    // For providers whose catalog entry has `responsesApi` (codecs.ts).
    passthrough: responsesPassthrough,
  },
  target: null,
};
