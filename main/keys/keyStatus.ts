import type { KeyStatusEvent } from '../../app/admin/events.ts';
import type { KeyStatus, KeyTestOutcome, KeyTestResult } from '../../app/admin/types.ts';
import type { KeyState, KeyStateStore } from '../store/keyState.ts';
import { KeyStoreError } from './keyErrors.ts';
import { scrub } from './secretText.ts';

/** What validating a key against its provider found (a models call or a one-token request). */
export type KeyValidation = { outcome: KeyTestOutcome; message: string; latencyMs: number | null };

/** Supplied by the engine: checks a secret against the provider. Must not put the secret in its message. */
export type ValidateKey = (provider: string, secret: string) => Promise<KeyValidation>;

/** Runs the validator; its failure becomes a `failed` result, and the secret never reaches the message. */
export async function runKeyTest(
  validate: ValidateKey,
  provider: string,
  secret: string,
  now: number,
): Promise<KeyTestResult> {
  const testedAt = new Date(now).toISOString();
  try {
    const result = await validate(provider, secret);
    return { ...result, message: scrub(result.message, secret), testedAt };
  } catch (err) {
    return {
      outcome: 'failed',
      message: `The key could not be checked: ${scrub((err as Error).message, secret)}`,
      latencyMs: null,
      testedAt,
    };
  }
}

/** A key its provider refused is not stored: 422 saying what to check. */
export function refuseInvalid(test: KeyTestResult): void {
  if (test.outcome === 'invalid') {
    throw new KeyStoreError(
      422,
      'key_refused',
      `The provider refused this key: ${test.message} Check that you copied all of it and that it belongs to this provider.`,
    );
  }
}

/**
 * Each key's status and last test: the one place that says whether a key works, kept across
 * restarts, and announced when it changes (the Providers page, the gauges and the tray follow).
 */
export class KeyStatuses {
  readonly #store: KeyStateStore | undefined;
  readonly #listeners = new Set<(event: KeyStatusEvent) => void>();
  readonly #state: Map<string, KeyState>;

  constructor(store: KeyStateStore | undefined) {
    this.#store = store;
    this.#state = store?.load() ?? new Map();
  }

  /** `listener` hears of every change of a key's status from now on. */
  onStatus(listener: (event: KeyStatusEvent) => void): void {
    this.#listeners.add(listener);
  }

  get(id: string): KeyState | undefined {
    return this.#state.get(id);
  }

  /** Sets a status learned from traffic (e.g. 401: invalid); tells listeners when it changes. */
  mark(id: string, provider: string, status: KeyStatus, reason?: string): void {
    const previous = this.#state.get(id)?.status ?? 'untested';
    if (previous === status) return;
    const next: KeyState = { ...this.#state.get(id), status };
    this.#state.set(id, next);
    this.#store?.save(id, next);
    this.#announce({
      id,
      provider,
      status,
      previous,
      ...(reason !== undefined ? { reason } : {}),
    });
  }

  /** Records a test; one that could not reach the provider says nothing new about the key. */
  recordTest(id: string, provider: string, test: KeyTestResult): void {
    const previous = this.#state.get(id)?.status ?? 'untested';
    const status: KeyStatus =
      test.outcome === 'ok' ? 'ok' : test.outcome === 'invalid' ? 'invalid' : previous;
    const next: KeyState = { status, lastTest: test };
    this.#state.set(id, next);
    this.#store?.save(id, next);
    if (previous !== status) this.#announce({ id, provider, status, previous });
  }

  /** Forgets a key's status in memory: an id reused after a hand edit starts untested. */
  reset(id: string): void {
    this.#state.delete(id);
  }

  /** Forgets a removed key's status, here and in the store. */
  remove(id: string): void {
    this.#state.delete(id);
    this.#store?.remove(id);
  }

  #announce(event: KeyStatusEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
