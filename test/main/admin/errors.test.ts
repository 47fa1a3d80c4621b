import { describe, expect, it } from 'vitest';
import { ConfigUpdateError } from '../../../main/keys/configUpdates.ts';
import { KeychainError } from '../../../main/keys/keychain.ts';
import { SecretLeftBehindError } from '../../../main/keys/keyErrors.ts';
import { adminErrorOf } from '../../../main/admin/errors.ts';

const REFUSED = new ConfigUpdateError(
  ['routes[0].targets[0].key: no key with id "nope"'],
  [{ path: 'routes[0].targets[0].key', message: 'no key with id "nope"' }],
);

describe('the one map from state errors to admin answers', () => {
  it('answers a config the schema refuses with 400 and the refused fields as a list', () => {
    expect(adminErrorOf(REFUSED)?.body()).toEqual({
      error: {
        message: 'The config would become invalid: routes[0].targets[0].key: no key with id "nope"',
        code: 'config_invalid',
        issues: [{ path: 'routes[0].targets[0].key', message: 'no key with id "nope"' }],
      },
    });
    expect(adminErrorOf(REFUSED)?.status).toBe(400);
  });

  it('tells the person about a secret left in the keychain, with the status of what failed first', () => {
    const error = adminErrorOf(
      new SecretLeftBehindError(REFUSED, 'key:groq-1', 'the keychain is locked'),
    );
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('secret_left_behind');
    expect(error?.message).toMatch(
      /no key with id "nope".*remove it by hand.*account "key:groq-1"/s,
    );
  });

  it('leaves our own bugs to the router (500)', () => {
    expect(adminErrorOf(new TypeError('x is undefined'))).toBeUndefined();
    expect(adminErrorOf(new KeychainError('locked', 'locked'))?.status).toBe(503);
  });
});
