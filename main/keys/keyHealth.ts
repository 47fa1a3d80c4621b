import type { AttemptRecord } from '../../app/admin/types.ts';
import type { KeyStore } from './keyStore.ts';

/**
 * Hands what traffic showed about keys to their one owner, the key store, so the Providers page,
 * the gauges and the tray say the same: a key its provider refused (401/403) is invalid; a key
 * marked invalid that then answers works again, as the limiter already decided when it cleared
 * the mark.
 */
export function recordKeyHealth(
  keys: Pick<KeyStore, 'markStatus' | 'markedInvalid'>,
  attempts: readonly AttemptRecord[],
): void {
  for (const attempt of attempts) {
    if (attempt.keyId === null) continue;
    if (attempt.failureClass === 'key-invalid') {
      keys.markStatus(attempt.keyId, 'invalid', attempt.reason ?? undefined);
    } else if (attempt.outcome === 'ok' && keys.markedInvalid(attempt.keyId)) {
      keys.markStatus(attempt.keyId, 'ok');
    }
  }
}
