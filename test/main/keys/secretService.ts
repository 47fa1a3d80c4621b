/**
 * Tests that touch the real keychain must run inside test/withSecretService.sh, so they never read
 * or write the keyring of the person running them.
 */
export function requireSecretService(): void {
  if (process.env.SWITCHYARD_SECRET_SERVICE_INNER !== '1') {
    throw new Error(
      'This suite uses the real Secret Service: run it as test/withSecretService.sh npx vitest run <files>, which gives it a private, throw-away keyring.',
    );
  }
}
