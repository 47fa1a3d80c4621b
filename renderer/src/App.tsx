import { useEffect, useState } from 'react';
import type { EngineStatus } from '../../app/admin/contract.ts';

/** The dashboard's root; the pages arrive with the dashboard issue. */
export function App() {
  const [status, setStatus] = useState<EngineStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    fetch('/admin/status', { credentials: 'same-origin' })
      .then(async (res) => {
        if (!res.ok)
          throw new Error(((await res.json()) as { error: { message: string } }).error.message);
        setStatus((await res.json()) as EngineStatus);
      })
      .catch((err: unknown) => setError((err as Error).message));
  }, []);

  return (
    <main>
      <h1>Switchyard</h1>
      {error !== null && <p role="alert">{error}</p>}
      {status !== null && (
        <p>
          Proxy at <code>{status.proxyUrl}</code>
        </p>
      )}
    </main>
  );
}
