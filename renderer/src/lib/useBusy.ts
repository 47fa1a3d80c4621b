import { useState } from 'react';
import { describeError } from '../api/client.ts';

/**
 * One action at a time for a component: `run(work)` disables its buttons while `work` runs and
 * keeps the message of what it threw, for the component to show beside them.
 */
export function useBusy() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
