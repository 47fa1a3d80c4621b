import { describe, expect, it } from 'vitest';
import { headersWithCsp, SHELL_CSP } from '../../../main/electron/contentSecurityPolicy.ts';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0] !== undefined && words[0] !== '')
      .map(([name, ...values]) => [name as string, values]),
  );
}

describe('SHELL_CSP', () => {
  it('runs only the dashboard’s own scripts and talks only to its own origin', () => {
    const d = directives(SHELL_CSP);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(SHELL_CSP).not.toContain('unsafe-eval');
    expect(d.get('script-src')).not.toContain("'unsafe-inline'");
  });
});

describe('headersWithCsp', () => {
  it('replaces whatever policy a document came with, in any letter case', () => {
    const out = headersWithCsp('mainFrame', {
      'content-security-policy': ['default-src *'],
      'CONTENT-SECURITY-POLICY': ['script-src *'],
      'Content-Type': ['text/html'],
    });
    const policies = Object.entries(out).filter(
      ([name]) => name.toLowerCase() === 'content-security-policy',
    );
    expect(policies).toEqual([['Content-Security-Policy', [SHELL_CSP]]]);
    expect(out['Content-Type']).toEqual(['text/html']);
  });

  it('adds the policy to documents that had none, frames included', () => {
    expect(headersWithCsp('mainFrame', undefined)).toEqual({
      'Content-Security-Policy': [SHELL_CSP],
    });
    expect(headersWithCsp('subFrame', {})['Content-Security-Policy']).toEqual([SHELL_CSP]);
  });

  it('leaves other resources as they came, and never edits its input', () => {
    const input = { 'content-security-policy': ['x'], 'content-type': ['text/javascript'] };
    expect(headersWithCsp('script', input)).toEqual(input);
    headersWithCsp('mainFrame', input);
    expect(input).toEqual({
      'content-security-policy': ['x'],
      'content-type': ['text/javascript'],
    });
  });
});
