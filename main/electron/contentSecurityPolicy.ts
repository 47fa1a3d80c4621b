import { DASHBOARD_CSP } from '../server/staticFiles.ts';

/** The window's policy: the dashboard's own, so the shell and a browser tab run under one CSP. */
export const SHELL_CSP = DASHBOARD_CSP;

const DOCUMENT_TYPES = new Set(['mainFrame', 'subFrame']);

/**
 * Response headers with our CSP forced onto every document the window loads, whatever the server
 * sent (an error page, a misbehaving route): any existing policy header, in any letter case, is
 * replaced. Other resource types pass through untouched.
 */
export function headersWithCsp(
  resourceType: string,
  headers: Readonly<Record<string, string[]>> | undefined,
  csp: string = SHELL_CSP,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers ?? {})) {
    if (DOCUMENT_TYPES.has(resourceType) && name.toLowerCase() === 'content-security-policy')
      continue;
    out[name] = [...values];
  }
  if (DOCUMENT_TYPES.has(resourceType)) out['Content-Security-Policy'] = [csp];
  return out;
}
