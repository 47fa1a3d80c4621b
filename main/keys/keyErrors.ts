import { KEYCHAIN_SERVICE } from './keychain.ts';

/** A refused key operation; `status` is the HTTP status the admin API answers with. */
export class KeyStoreError extends Error {
  readonly status: 400 | 404 | 409 | 422;
  readonly code: string;
  constructor(status: 400 | 404 | 409 | 422, code: string, message: string) {
    super(message);
    this.name = 'KeyStoreError';
    this.status = status;
    this.code = code;
  }
}

/**
 * A key that was not added, and whose secret the keychain would not give back: the person has to
 * remove it by hand, so the message says how, after what went wrong in the first place.
 */
export class SecretLeftBehindError extends Error {
  override readonly cause: unknown;
  constructor(cause: unknown, account: string, detail: string) {
    super(
      `${cause instanceof Error ? cause.message : String(cause)} The key's secret could not be removed from the OS keychain (${detail}); remove it by hand: the item with service "${KEYCHAIN_SERVICE}" and account "${account}" (Linux: secret-tool clear service ${KEYCHAIN_SERVICE} account ${account}; macOS: Keychain Access; Windows: Credential Manager).`,
    );
    this.name = 'SecretLeftBehindError';
    this.cause = cause;
  }
}
