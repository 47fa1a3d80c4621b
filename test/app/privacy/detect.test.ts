import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectSensitive, REDACTED, redactSecrets } from '../../../app/privacy/detect.ts';

// Key-shaped strings are assembled at run time, so secret scanners do not flag this file.
const RANDOM = 'A1b2C3d4E5f6G7h8J9k0';
const KEYS = {
  'openai-key': `sk-${'proj-'}${RANDOM}${RANDOM}`,
  'anthropic-key': `sk-${'ant-'}api03-${RANDOM}${RANDOM}${RANDOM}`,
  'groq-key': `gsk${'_'}${RANDOM}${RANDOM}`,
  'google-api-key': `AI${'za'}Sy${RANDOM}${'x'.repeat(13)}`,
  'github-token': `gh${'p_'}${RANDOM}${'Zz9'.repeat(6)}`,
  'xai-key': `xai${'-'}${RANDOM}${RANDOM}`,
  'aws-access-key': `AK${'IA'}IOSFODNN7EXAMPLE`,
  'bearer-token': `Bearer ${'eyJ'}${RANDOM}.payload123`,
} as const;

const PRIVATE_KEY = `-----BEGIN ${'OPENSSH'} PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END ${'OPENSSH'} PRIVATE KEY-----`;

/** Each text is found sensitive for exactly these kinds. */
function expectKinds(texts: readonly string[], kinds: readonly string[]): void {
  for (const text of texts) expect(detectSensitive(text).kinds, text).toEqual(kinds);
}

/** No text is found sensitive. */
function expectClean(texts: readonly string[]): void {
  for (const text of texts) expect(detectSensitive(text).sensitive, text).toBe(false);
}

describe('detectSensitive', () => {
  for (const [kind, key] of Object.entries(KEYS)) {
    it(`finds ${kind} and never returns it`, () => {
      const text = `please debug: client = Client("${key}") thanks`;
      const finding = detectSensitive(text);
      expect(finding).toEqual({ sensitive: true, kinds: [kind] });
      expect(JSON.stringify(finding)).not.toContain(key.slice(4, 16));
    });
  }

  it('a private key block', () => {
    expect(detectSensitive(`here is my key\n${PRIVATE_KEY}\n`).kinds).toEqual(['private-key']);
    expect(detectSensitive('-----BEGIN RSA PRIVATE KEY-----').kinds).toEqual(['private-key']);
    expect(detectSensitive('-----BEGIN PUBLIC KEY-----').sensitive).toBe(false);
  });

  it('.env lines that assign a secret-named variable', () => {
    expectKinds(
      [
        'DATABASE_URL=postgres://x\nDB_PASSWORD=hunter2hunter2\n',
        'export STRIPE_SECRET_KEY="rk_live_51abcdefgh"',
      ],
      ['env-secret'],
    );
    // Not secret-named, a placeholder, too short, or not at the start of a line.
    expectClean([
      'NODE_ENV=production\nLOG_LEVEL=debugging',
      'API_KEY=your-api-key-here',
      'API_KEY=<your key>\nTOKEN=${GITHUB_TOKEN}',
      'API_KEY=abc',
      'const x = "MONKEY_COUNT=12345678"',
    ]);
  });

  it('e-mail addresses', () => {
    expect(detectSensitive('mail jane.doe+ci@example.co.uk about it').kinds).toEqual(['email']);
    expect(detectSensitive('decorators: @Injectable() and user@localhost').sensitive).toBe(false);
    expect(detectSensitive('git@github.com:org/repo.git').kinds).toEqual(['email']);
  });

  it('phone numbers, conservatively', () => {
    expectKinds(
      [
        'call +1 (415) 555-0123',
        'call +44 20 7946 0958',
        'call (415) 555-0123',
        'call 415-555-0123',
      ],
      ['phone'],
    );
    expectClean([
      'version 1.2.3',
      '2026-04-28 12:00:00',
      'ids 1234567890 and 3.14159265',
      '+1',
      'port 8080-8090',
    ]);
  });

  it('a secret-named assignment anywhere on a line: password=, PGPASSWORD=, "client_secret": …', () => {
    expectKinds(
      [
        'curl -d "user=bob&password=Hunt3r-2-go" https://example.com',
        'PGPASSWORD=s3cr3t!Pass psql -h db',
        'run it with DB_PASS=x9Yz!k2q&debug=1',
        '{"client_secret": "c5-abc.def-123"}',
        'auth_token: 9f8e7d6c5b4a',
      ],
      ['env-secret'],
    );
    expectClean([
      'password: string;',
      'const token = getToken();',
      'password=${PASSWORD}',
      'set password=changeme',
      'the secret: sauce',
    ]);
  });

  it('ordinary code and prose are not sensitive', () => {
    const code = `
      import { task } from './task-management-system-for-users';
      const skTable = 'sk-this-is-a-very-long-slug-without-digits';
      function send(to: string) { return fetch('/api/mail', { method: 'POST' }); }
      // TODO(jane): see issue #1234 in version 2.4.1
    `;
    expect(detectSensitive(code)).toEqual({ sensitive: false, kinds: [] });
  });

  it('reports several kinds once each', () => {
    const text = `${KEYS['openai-key']} ${KEYS['openai-key']} mail bob@example.com`;
    expect(detectSensitive(text).kinds).toEqual(['openai-key', 'email']);
  });
});

describe('redactSecrets', () => {
  it('replaces key-shaped strings, keeps the rest', () => {
    const text = `key ${KEYS['groq-key']} and ${KEYS['anthropic-key']}; ask bob@example.com`;
    expect(redactSecrets(text)).toBe(`key ${REDACTED} and ${REDACTED}; ask bob@example.com`);
  });

  it('private key blocks, whole; a block cut short is redacted to the end', () => {
    expect(redactSecrets(`a\n${PRIVATE_KEY}\nb`)).toBe(`a\n${REDACTED}\nb`);
    expect(redactSecrets(`a -----BEGIN EC PRIVATE KEY-----\nMHcCAQEE`)).toBe(`a ${REDACTED}`);
  });

  it('.env values, keeping the variable name', () => {
    expect(redactSecrets('OPENAI_API_KEY=abcdefgh12345678\nPORT=8080\n')).toBe(
      `OPENAI_API_KEY=${REDACTED}\nPORT=8080\n`,
    );
  });

  it('inline secret assignments, keeping the name', () => {
    expect(redactSecrets('PGPASSWORD=s3cr3t!Pass psql -h db')).toBe(
      `PGPASSWORD=${REDACTED} psql -h db`,
    );
    expect(redactSecrets('user=bob&password=Hunt3r-2-go&x=1')).toBe(
      `user=bob&password=${REDACTED}&x=1`,
    );
  });

  it('leaves look-alikes without digits alone', () => {
    const text = 'sk-this-is-a-very-long-slug-without-digits';
    expect(redactSecrets(text)).toBe(text);
  });

  it('property: a redacted text holds none of the keys it had', () => {
    const keys = Object.values(KEYS);
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(...keys),
            fc.string({ maxLength: 20 }).map((s) => s.replace(/[\w-]/g, ' ')),
          ),
          { maxLength: 12 },
        ),
        (parts) => {
          const redacted = redactSecrets(parts.join(' '));
          return keys.every((key) => !redacted.includes(key));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('linear time on adversarial input', () => {
  const SIZE = 1_000_000;
  const inputs: Record<string, string> = {
    'a run of word characters': 'a'.repeat(SIZE),
    'repeated key prefixes': 'sk-'.repeat(SIZE / 3),
    'prefixes just too short': `${'sk-'}${'a1'.repeat(9)} `.repeat(SIZE / 22),
    'at signs': '@'.repeat(SIZE),
    'local parts and at signs': 'a@'.repeat(SIZE / 2),
    'dotted labels after an at sign': `x@${'a.'.repeat(SIZE / 2)}`,
    digits: '1'.repeat(SIZE),
    'plus and digits': '+1 2'.repeat(SIZE / 4),
    'phone-like separators': '555-'.repeat(SIZE / 4),
    'env names without a value': 'A_'.repeat(SIZE / 2),
    'env lines': 'API_KEY=\n'.repeat(SIZE / 9),
    'BEGIN markers without an END': '-----BEGIN PRIVATE KEY-----'.repeat(SIZE / 27),
    'bearer without a token': 'Bearer '.repeat(SIZE / 7),
  };

  for (const [name, text] of Object.entries(inputs)) {
    it(`${name}: 1 MB in well under a second`, () => {
      const started = performance.now();
      detectSensitive(text);
      redactSecrets(text);
      // A quadratic pattern would take minutes here; linear takes milliseconds.
      expect(performance.now() - started).toBeLessThan(1500);
    });
  }
});
