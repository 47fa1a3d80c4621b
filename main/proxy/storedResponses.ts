/**
 * The Responses API's stored answers at the edge: `previous_response_id` continues a stored
 * conversation (an unknown id answers OpenAI's own 404), a request with `store` keeps its answer,
 * and `GET` / `DELETE /v1/responses/{id}` read and remove one. Codex sends `store: false` and
 * never depends on this.
 */
import type { ServerResponse } from 'node:http';
import { continueConversation, type ResponsesRequest } from '../../app/formats/responses.ts';
import { sendError, sendJson, type ErrorEnvelope } from '../server/respond.ts';
import type { ResponseStore } from '../store/storedResponses.ts';

const PREFIX = '/v1/responses/';

export function isStoredResponsePath(pathname: string): boolean {
  return pathname.startsWith(PREFIX) && pathname.length > PREFIX.length;
}

/** `GET` or `DELETE /v1/responses/{id}`. */
export async function answerStoredResponse(
  store: ResponseStore,
  method: string | undefined,
  pathname: string,
  res: ServerResponse,
  dialect: ErrorEnvelope,
): Promise<void> {
  let id: string;
  try {
    id = decodeURIComponent(pathname.slice(PREFIX.length));
  } catch {
    sendError(res, dialect, 400, 'The response id in the path is not valid URL encoding.');
    return;
  }
  const missing = () =>
    sendError(
      res,
      dialect,
      404,
      `Response with id '${id}' not found. Switchyard keeps answers sent with store (not false) for 7 days, the newest 1000.`,
      'not_found',
    );
  if (method === 'GET') {
    const stored = await store.get(id);
    if (stored) sendJson(res, 200, stored.response);
    else missing();
  } else if (method === 'DELETE') {
    if (await store.delete(id))
      sendJson(res, 200, { id, object: 'response.deleted', deleted: true });
    else missing();
  } else
    sendError(
      res,
      dialect,
      405,
      `${pathname} takes GET or DELETE, not ${method}.`,
      'method_not_allowed',
      {
        allow: 'GET, DELETE',
      },
    );
}

export type PreparedResponses =
  | {
      ok: true;
      body: ResponsesRequest;
      keepResponse: (response: Record<string, unknown>, conversation: unknown[]) => void;
    }
  | { ok: false; status: number; message: string; code: string };

/** A Responses request with its previous conversation in `input`, and how to keep its answer. */
export async function prepareResponsesRequest(
  store: ResponseStore,
  body: ResponsesRequest,
): Promise<PreparedResponses> {
  const keepResponse = (response: Record<string, unknown>, conversation: unknown[]) =>
    store.save(String(response.id), { response, conversation });
  const previous = body.previous_response_id;
  if (!previous) return { ok: true, body, keepResponse };
  const stored = await store.get(previous);
  if (!stored)
    return {
      ok: false,
      status: 404,
      message: `Previous response with id '${previous}' not found.`,
      code: 'previous_response_not_found',
    };
  return { ok: true, body: continueConversation(body, stored.conversation), keepResponse };
}
