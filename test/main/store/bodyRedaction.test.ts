import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { detectSensitive } from '../../../app/privacy/detect.ts';
import { redactBody, redactText } from '../../../main/store/bodyRedaction.ts';

const rand = (n: number) =>
  randomBytes(n)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'x');
const AWS_SECRET = `${rand(8).slice(0, 8)}/${rand(16).slice(0, 15)}/${rand(16).slice(0, 15)}`;
const GITHUB = `ghp_${rand(30).slice(0, 36)}`;
const PEM_BODY = Array.from({ length: 6 }, () => rand(48).slice(0, 64)).join('\n');
const PRIVATE_KEY = `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----`;

/** Each: the text as a person pastes it, and the secret part that must not survive. */
const CASES: Array<[string, string, string]> = [
  ['password=', 'curl -d "user=bob&password=Hunt3r-2-go" https://example.com', 'Hunt3r-2-go'],
  ['PGPASSWORD=', 'PGPASSWORD=s3cr3t!Pass psql -h db -U app', 's3cr3t!Pass'],
  ['an AWS secret key with "/"', `aws_secret_access_key = ${AWS_SECRET}`, AWS_SECRET],
  ['an AWS secret key in .env', `AWS_SECRET_ACCESS_KEY="${AWS_SECRET}"`, AWS_SECRET],
  ['a GitHub token', `token: ${GITHUB}`, GITHUB],
  ['a private key', `here:\n${PRIVATE_KEY}\nthanks`, PEM_BODY.slice(0, 40)],
  ['a Postgres URL', 'postgres://app:Pg-pa55word@db.example.com:5432/app', 'Pg-pa55word'],
  ['a MySQL URL', 'mysql://root:My5ql-Secret@localhost:3306/db', 'My5ql-Secret'],
  ['a MongoDB URL', 'mongodb+srv://admin:M0ngo-pass@cluster0.example.net/test', 'M0ngo-pass'],
];

describe('logged bodies are redacted with a maintained rule set and the sensitive-prompt shapes', () => {
  it.each(CASES)('%s, as plain text', async (_name, text, secret) => {
    const out = await redactText(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  it.each(CASES)(
    '%s, inside a JSON chat body (escaped newlines and quotes)',
    async (_name, text, secret) => {
      const body = JSON.stringify({
        model: 'fast',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: `look at this:\n${text}\nwhat is wrong?` },
        ],
      });
      const out = await redactBody(body);
      expect(out).not.toContain(secret);
      expect(JSON.stringify(JSON.parse(out))).not.toContain(secret);
      // The rest of the body stays readable.
      const parsed = JSON.parse(out) as { model: string; messages: Array<{ content: string }> };
      expect([parsed.model, parsed.messages[0]?.content]).toEqual(['fast', 'be brief']);
    },
  );

  it('redacts secrets in a streamed answer captured as SSE, keeping its events', async () => {
    const sse = [
      `data: ${JSON.stringify({ choices: [{ delta: { content: `use ${GITHUB} now` } }] })}`,
      '',
      'data: [DONE]',
      '',
    ].join('\n');
    const out = await redactBody(sse);
    expect(out).not.toContain(GITHUB);
    expect(out).toContain('data: [DONE]');
  });

  it('leaves ordinary text alone', async () => {
    const text = 'The password field must be at least 12 characters; see https://example.com/docs.';
    expect(await redactText(text)).toBe(text);
    expect(await redactBody('{"a":"hello","n":3}')).toBe('{"a":"hello","n":3}');
  });

  it('a prompt detectSensitive flags for an assignment has that assignment redacted', async () => {
    for (const text of ['PGPASSWORD=s3cr3t!Pass psql', 'login with password=Hunt3r-2-go please']) {
      expect(detectSensitive(text).kinds).toContain('env-secret');
      expect(await redactText(text)).not.toMatch(/s3cr3t|Hunt3r/);
    }
  });
});
