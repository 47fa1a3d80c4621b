import type { AdminErrorBody } from '../../app/admin/contract.ts';
import type { FieldIssue } from '../../app/config/parse.ts';
import { ConfigUpdateError } from '../keys/configUpdates.ts';
import { KeychainError } from '../keys/keychain.ts';
import { KeyStoreError, SecretLeftBehindError } from '../keys/keyErrors.ts';
import { RequestLogQueryError } from '../store/requestLogQueries.ts';

/** An error an admin handler throws on purpose: its status, message and field issues reach the dashboard as is. */
export class AdminError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: FieldIssue[] | undefined;
  constructor(status: number, message: string, code = `http_${status}`, issues?: FieldIssue[]) {
    super(message);
    this.name = 'AdminError';
    this.status = status;
    this.code = code;
    this.issues = issues;
  }

  body(): AdminErrorBody {
    return {
      error: {
        message: this.message,
        code: this.code,
        ...(this.issues !== undefined ? { issues: this.issues } : {}),
      },
    };
  }
}

/**
 * The one map from what the state layer throws to an admin answer: the status that tells the
 * dashboard and the CLI what happened, a code, and the refused fields as a list. Undefined for
 * anything else, which is our own bug (500).
 */
export function adminErrorOf(err: unknown): AdminError | undefined {
  if (err instanceof AdminError) return err;
  if (err instanceof KeychainError) {
    return new AdminError(
      err.kind === 'not-found' ? 404 : 503,
      err.message,
      `keychain_${err.kind}`,
    );
  }
  if (err instanceof KeyStoreError) return new AdminError(err.status, err.message, err.code);
  // The request asked for a config the schema refuses: the caller's to fix, not a conflict.
  if (err instanceof ConfigUpdateError) {
    return new AdminError(
      400,
      `The config would become invalid: ${err.message}`,
      'config_invalid',
      err.issues,
    );
  }
  if (err instanceof RequestLogQueryError) return new AdminError(400, err.message, 'invalid_query');
  if (err instanceof SecretLeftBehindError) {
    const cause = adminErrorOf(err.cause);
    return new AdminError(cause?.status ?? 500, err.message, 'secret_left_behind', cause?.issues);
  }
  return undefined;
}
