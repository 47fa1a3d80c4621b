import { useId, useState } from 'react';
import { useStore } from '../store/index.ts';

const NONE = '';

/**
 * settings.defaultRoute: the route for a model name no route name, provider/model or alias claims.
 * Only saved routes are offered (the engine knows no other), and a choice is saved at once.
 */
export function DefaultRouteField() {
  const id = useId();
  const routes = useStore((s) => s.savedRoutes);
  const current = useStore((s) => s.settings?.defaultRoute);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const choose = async (value: string) => {
    setBusy(true);
    const failed = await useStore.getState().saveDefaultRoute(value === NONE ? undefined : value);
    setBusy(false);
    setProblem(failed);
    if (failed === null) {
      useStore
        .getState()
        .toast(
          'success',
          value === NONE
            ? 'Unknown model names now get a 404 that lists your routes.'
            : `Unknown model names now go to route "${value}".`,
        );
    }
  };
  return (
    <div className="field">
      <label htmlFor={id}>Any other model name goes to</label>
      <select
        id={id}
        value={current ?? NONE}
        disabled={busy}
        onChange={(e) => void choose(e.target.value)}
        aria-invalid={problem !== null}
        aria-describedby={`${id}-hint${problem !== null ? ` ${id}-error` : ''}`}
      >
        <option value={NONE}>Nowhere: answer 404 &quot;Unknown model&quot;</option>
        {routes.map((r) => (
          <option key={r.name} value={r.name}>
            Route {r.name}
          </option>
        ))}
      </select>
      <span id={`${id}-hint`} className="small muted">
        For names no route, provider/model or alias claims (a tool&apos;s own model names). Saved at
        once.
      </span>
      {problem !== null && (
        <span id={`${id}-error`} className="field-error" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}
