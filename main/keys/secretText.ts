/** The keychain account of a provider key (the proxy key lives beside them as `proxy-key`). */
export function keychainAccount(keyId: string): string {
  return `key:${keyId}`;
}

/** The last four characters, which the dashboard shows to tell keys apart. */
export function lastFour(secret: string): string {
  return secret.slice(-4);
}

/** Removes a secret from a message a validator or a native library produced, should one echo it. */
export function scrub(message: string, secret: string | undefined): string {
  return secret ? message.split(secret).join('[redacted]') : message;
}
