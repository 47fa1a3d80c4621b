import type { MouseEvent, ReactNode } from 'react';
import { bridge } from '../api/session.ts';

/** A link that leaves the dashboard: the system browser in Electron, a new tab in a browser. */
export function ExternalLink(props: { href: string; children: ReactNode; className?: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    const shell = bridge();
    if (!shell) return;
    event.preventDefault();
    void shell.openExternal(props.href);
  };
  return (
    <a
      href={props.href}
      target="_blank"
      rel="noreferrer noopener"
      onClick={onClick}
      className={props.className}
    >
      {props.children}
    </a>
  );
}
