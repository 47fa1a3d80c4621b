import { useId, useState, type FormEvent } from 'react';
import { Alert } from './Alert.tsx';

/**
 * A route's aliases as removable chips, and a field that adds one or more (comma-separated).
 * Problems come from the caller's validation, by alias index, and show on the chip they concern.
 */
export function AliasEditor(props: {
  aliases: readonly string[];
  errors: Readonly<Record<number, string>>;
  onChange: (aliases: string[]) => void;
}) {
  const id = useId();
  const [text, setText] = useState('');
  const add = (event: FormEvent) => {
    event.preventDefault();
    const added = text
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    if (added.length === 0) return;
    props.onChange([...props.aliases, ...added]);
    setText('');
  };
  return (
    <div className="field">
      <label htmlFor={id}>Other model names (aliases)</label>
      {props.aliases.length > 0 && (
        <ul className="row" style={{ listStyle: 'none', padding: 0, margin: 0, flexWrap: 'wrap' }}>
          {props.aliases.map((alias, i) => {
            const error = props.errors[i];
            return (
              <li key={`${i}-${alias}`} className="stack" style={{ gap: 2 }}>
                <span className={`pill ${error === undefined ? 'neutral' : 'bad'}`}>
                  <span className="mono">{alias}</span>{' '}
                  <button
                    type="button"
                    className="small"
                    aria-label={`Remove alias ${alias}`}
                    onClick={() => props.onChange(props.aliases.filter((_, j) => j !== i))}
                  >
                    ×
                  </button>
                </span>
                <Alert message={error} />
              </li>
            );
          })}
        </ul>
      )}
      {/* Not a <form>: this sits inside the route editor, and Enter must add, not submit. */}
      <div className="row">
        <input
          id={id}
          value={text}
          placeholder="claude-opus-*, gpt-5*"
          spellCheck={false}
          aria-describedby={`${id}-hint`}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') add(e);
          }}
        />
        <button type="button" onClick={add} disabled={text.trim() === ''}>
          Add
        </button>
      </div>
      <span id={`${id}-hint`} className="small muted">
        Model names tools send that this route answers, e.g. Claude Code&apos;s. &quot;*&quot;
        matches any run of characters and &quot;?&quot; one; case does not matter. Route names and
        provider/model come first; the first route whose alias matches wins.
      </span>
    </div>
  );
}
