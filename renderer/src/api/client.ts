import {
  ADMIN_API,
  fillPath,
  type EndpointName,
  type QueryOf,
  type RequestOf,
  type ResponseOf,
} from '../../../app/admin/contract.ts';
import { adminAuthHeaders, adminBase } from './session.ts';

/** Path parameters, the query string and an abort signal for one call. */
export type CallOptions<N extends EndpointName> = {
  params?: Record<string, string>;
  query?: [QueryOf<N>] extends [never] ? never : QueryOf<N>;
  signal?: AbortSignal;
};

/** Endpoints without a body are called as `call('listKeys')`; the others as `call('addKey', body)`. */
export type CallArgs<N extends EndpointName> = [RequestOf<N>] extends [undefined]
  ? [body?: undefined, options?: CallOptions<N>]
  : [body: RequestOf<N>, options?: CallOptions<N>];

/** An admin call that failed; `message` is already written for a person, `status` 0 means no answer. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly endpoint: EndpointName;
  constructor(endpoint: EndpointName, status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.endpoint = endpoint;
    this.status = status;
    this.code = code;
  }
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * Turns a failed answer into one message a person can act on. Validation errors from the engine
 * already name the field and the fix, so those pass through; the rest say what to do next.
 */
export function messageFor(status: number, serverMessage: string | undefined): string {
  if (status === 401) {
    return 'This dashboard session is no longer valid (the engine was restarted or the link is old). Open the dashboard link that "switchyard serve" printed, or reopen the app window.';
  }
  if (status === 403) {
    return `The engine refused this page: ${serverMessage ?? 'forbidden'}. Open the dashboard from the link the engine printed.`;
  }
  if (serverMessage !== undefined && serverMessage !== '') {
    return status >= 500 && !/log/i.test(serverMessage)
      ? `${serverMessage} (HTTP ${status}; the engine's log has details.)`
      : serverMessage;
  }
  if (status === 404)
    return 'The engine does not know this endpoint: is the dashboard newer than the engine? Restart Switchyard.';
  return `The engine answered HTTP ${status} without details; see its log.`;
}

const UNREACHABLE =
  'Cannot reach the Switchyard engine. Is it still running? Start it again ("switchyard serve" or the app) and reload this page.';

async function readError(res: Response): Promise<{ message?: string; code?: string }> {
  try {
    const body = (await res.json()) as { error?: { message?: unknown; code?: unknown } };
    return {
      ...(typeof body.error?.message === 'string' ? { message: body.error.message } : {}),
      ...(typeof body.error?.code === 'string' ? { code: body.error.code } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * Calls one admin endpoint by its name in ADMIN_API: the method, path and types all come from the
 * contract, so a renamed field fails to compile here rather than at run time.
 */
export async function call<N extends EndpointName>(
  name: N,
  ...args: CallArgs<N>
): Promise<ResponseOf<N>> {
  const [body, options] = args as [unknown, CallOptions<N> | undefined];
  const def = ADMIN_API[name];
  const url = `${adminBase()}${fillPath(def.path, options?.params)}${queryString(
    options?.query as Record<string, unknown> | undefined,
  )}`;
  const headers: Record<string, string> = { accept: 'application/json', ...adminAuthHeaders() };
  const hasBody = def.method === 'POST' || def.method === 'PUT';
  if (hasBody) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, {
      method: def.method,
      headers,
      // The token travels in a header; no cookie is ever needed, so none is sent.
      credentials: 'omit',
      ...(hasBody ? { body: JSON.stringify(body ?? {}) } : {}),
      ...(options?.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(name, 0, 'unreachable', UNREACHABLE);
  }
  if (!res.ok) {
    const { message, code } = await readError(res);
    throw new ApiError(
      name,
      res.status,
      code ?? `http_${res.status}`,
      messageFor(res.status, message),
    );
  }
  return (await res.json()) as ResponseOf<N>;
}

/** The message to show for anything a call threw. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
