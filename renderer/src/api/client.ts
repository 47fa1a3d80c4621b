import type {
  AdminErrorBody,
  EndpointName,
  ParamsOf,
  QueryOf,
  RequestOf,
  ResponseOf,
} from '../../../app/admin/contract.ts';
import { buildAdminRequest, type AdminCallInput } from '../../../app/admin/request.ts';
import type { FieldIssue } from '../../../app/config/parse.ts';
import { adminAuthHeaders, adminBase } from './session.ts';

type NeedsParams<N extends EndpointName> = [keyof ParamsOf<N>] extends [never] ? false : true;

/** Path parameters (required when the path has any), the query string and an abort signal. */
export type CallOptions<N extends EndpointName> = (NeedsParams<N> extends true
  ? { params: ParamsOf<N> }
  : { params?: undefined }) & {
  query?: [QueryOf<N>] extends [never] ? never : QueryOf<N>;
  signal?: AbortSignal;
};

/**
 * Endpoints without a body are called as `call('listKeys')`; the others as `call('addKey', body)`;
 * one with a path parameter needs its options: `call('deleteKey', undefined, { params: { id } })`.
 */
export type CallArgs<N extends EndpointName> = [RequestOf<N>] extends [undefined]
  ? NeedsParams<N> extends true
    ? [body: undefined, options: CallOptions<N>]
    : [body?: undefined, options?: CallOptions<N>]
  : NeedsParams<N> extends true
    ? [body: RequestOf<N>, options: CallOptions<N>]
    : [body: RequestOf<N>, options?: CallOptions<N>];

/** An admin call that failed; `message` is already written for a person, `status` 0 means no answer. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly endpoint: EndpointName;
  /** The fields the engine refused, each with what to do; empty when the answer named none. */
  readonly issues: readonly FieldIssue[];
  constructor(
    endpoint: EndpointName,
    status: number,
    code: string,
    message: string,
    issues: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
    this.endpoint = endpoint;
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
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

function isIssue(value: unknown): value is FieldIssue {
  const issue = value as Partial<FieldIssue> | null;
  return typeof issue?.path === 'string' && typeof issue.message === 'string';
}

/** The error body as far as it has the contract's shape: a proxy or an old engine may send less. */
async function readError(res: Response): Promise<Partial<AdminErrorBody['error']>> {
  try {
    const { error } = (await res.json()) as { error?: Record<string, unknown> };
    const issues = Array.isArray(error?.issues) ? error.issues.filter(isIssue) : [];
    return {
      ...(typeof error?.message === 'string' ? { message: error.message } : {}),
      ...(typeof error?.code === 'string' ? { code: error.code } : {}),
      ...(issues.length > 0 ? { issues } : {}),
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
  const request = buildAdminRequest(name, {
    params: options?.params,
    query: options?.query,
    body,
  } as AdminCallInput<N>);
  let res: Response;
  try {
    res = await fetch(`${adminBase()}${request.path}`, {
      method: request.method,
      headers: { ...request.headers, ...adminAuthHeaders() },
      // The token travels in a header; no cookie is ever needed, so none is sent.
      credentials: 'omit',
      ...(request.body !== undefined ? { body: request.body } : {}),
      ...(options?.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(name, 0, 'unreachable', UNREACHABLE);
  }
  if (!res.ok) {
    const { message, code, issues } = await readError(res);
    throw new ApiError(
      name,
      res.status,
      code ?? `http_${res.status}`,
      messageFor(res.status, message),
      issues,
    );
  }
  return (await res.json()) as ResponseOf<N>;
}

/**
 * A message per refused field, by the field's path, for a form to show beside each field; `_`
 * holds what belongs to no field (or the whole message when the engine named no field).
 */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError) || err.issues.length === 0) return { _: describeError(err) };
  const out: Record<string, string> = {};
  for (const { path, message } of err.issues) {
    const at = path === '(top level)' ? '_' : path;
    out[at] = out[at] === undefined ? message : `${out[at]}; ${message}`;
  }
  return out;
}

/** The message to show for anything a call threw. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
