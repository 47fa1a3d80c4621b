import { useEffect, useId, useState } from 'react';

async function writeClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A read-only value with a copy button. `masked` hides it behind dots until "Show" is pressed
 * (for the local proxy key, which grants use of every provider key).
 */
export function CopyField(props: { label: string; value: string; masked?: boolean }) {
  const id = useId();
  const [revealed, setRevealed] = useState(false);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (copied === 'idle') return;
    const timer = setTimeout(() => setCopied('idle'), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  const hidden = props.masked === true && !revealed;
  return (
    <div className="stack" style={{ gap: 4 }}>
      <label htmlFor={id}>{props.label}</label>
      <div className="copy-field">
        <input
          id={id}
          readOnly
          type={hidden ? 'password' : 'text'}
          value={props.value}
          onFocus={(e) => e.currentTarget.select()}
        />
        {props.masked === true && (
          <button type="button" onClick={() => setRevealed((r) => !r)} aria-pressed={revealed}>
            {revealed ? 'Hide' : 'Show'}
          </button>
        )}
        <button
          type="button"
          onClick={async () => setCopied((await writeClipboard(props.value)) ? 'copied' : 'failed')}
          aria-label={`Copy ${props.label}`}
        >
          Copy
        </button>
        <span role="status" className="small muted" style={{ minWidth: 110 }}>
          {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Select and press Ctrl+C' : ''}
        </span>
      </div>
    </div>
  );
}
