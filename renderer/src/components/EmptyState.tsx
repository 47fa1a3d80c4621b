import type { ReactNode } from 'react';

/** What to do first when there is nothing to show yet. */
export function EmptyState(props: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <h3>{props.title}</h3>
      {props.children !== undefined && <div>{props.children}</div>}
      {props.action}
    </div>
  );
}
