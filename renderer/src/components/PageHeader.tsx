import type { ReactNode } from 'react';

/** A page's title and what it is for, with the page's own actions (children) at the right. */
export function PageHeader(props: { title: string; intro: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-head">
      <div>
        <h1>{props.title}</h1>
        <p>{props.intro}</p>
      </div>
      {props.children}
    </header>
  );
}
