import { useId, useState, type FormEvent } from 'react';
import { WebOriginSchema } from '../../../app/config/schema.ts';
import { call, describeError } from '../api/client.ts';
import { useStore } from '../store/index.ts';

/** The lines of the text box that are not exact origins, with why. */
function problemsOf(lines: string[]): string | null {
  const bad = lines.filter((line) => !WebOriginSchema.safeParse(line).success);
  return bad.length === 0
    ? null
    : `Not an exact origin: ${bad.join(', ')}. Write scheme, host and port only, e.g. https://app.example or http://localhost:5173 (no path, no "*").`;
}

/**
 * settings.allowedOrigins: web pages that may call the proxy from a browser tab. Off by default;
 * the warning says what letting one in means.
 */
export function AllowedOriginsField() {
  const id = useId();
  const settings = useStore((s) => s.settings);
  const saved = settings?.allowedOrigins ?? [];
  const [text, setText] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const shown = text ?? saved.join('\n');
  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (settings === null) return;
    const lines = shown
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    const invalid = problemsOf(lines);
    setProblem(invalid);
    if (invalid !== null) return;
    setBusy(true);
    try {
      const next = await call('putSettings', { ...settings, allowedOrigins: [...new Set(lines)] });
      useStore.setState({ settings: next });
      setText(null);
      useStore
        .getState()
        .toast(
          'success',
          lines.length === 0
            ? 'No web page may call the proxy now.'
            : `Allowed ${lines.length} web origin${lines.length === 1 ? '' : 's'}.`,
        );
    } catch (err) {
      setProblem(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Browser-based tools</h2>
      <div className="banner warn" role="note">
        <span>
          A page on an origin listed here can send requests to your routes from any browser tab on
          this machine, and spend your provider quota, whenever it has the proxy key. List only
          pages you run or trust. The dashboard&apos;s admin API never answers them.
        </span>
      </div>
      <form className="stack" style={{ gap: 8 }} onSubmit={(e) => void save(e)}>
        <label htmlFor={id}>Allowed web origins (one per line)</label>
        <textarea
          id={id}
          rows={3}
          value={shown}
          placeholder="http://localhost:5173"
          disabled={busy || settings === null}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={problem !== null}
          aria-describedby={problem !== null ? `${id}-error` : undefined}
        />
        {problem !== null && (
          <span id={`${id}-error`} className="field-error" role="alert">
            {problem}
          </span>
        )}
        <div className="row">
          <button type="submit" disabled={busy || settings === null || text === null}>
            {busy ? 'Saving…' : 'Save origins'}
          </button>
        </div>
      </form>
    </section>
  );
}
