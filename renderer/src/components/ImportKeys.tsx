import { useState } from 'react';
import type { ImportCandidate, ImportResult } from '../../../app/admin/types.ts';
import type { Provider } from '../../../app/catalog/schema.ts';
import { call } from '../api/client.ts';
import { useBusy } from '../lib/useBusy.ts';
import { useStore } from '../store/index.ts';
import { Alert } from './Alert.tsx';
import { providerChoices, Select } from './Select.tsx';
import { TableHead } from './TableHead.tsx';

/** Keys found in the engine's environment, to move into the keychain in one go. */
export function ImportKeys(props: { providers: readonly Provider[] }) {
  const [candidates, setCandidates] = useState<ImportCandidate[] | null>(null);
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [results, setResults] = useState<ImportResult[]>([]);
  const { busy, error, run } = useBusy();
  const loadKeys = useStore((s) => s.loadKeys);
  const choices = [{ value: '', label: 'Pick a provider' }, ...providerChoices(props.providers)];

  const scan = () =>
    run(async () => {
      setResults([]);
      const found = await call('importCandidates', {});
      setCandidates(found);
      setChosen(
        Object.fromEntries(
          found
            .filter((c) => !c.alreadyAdded && c.provider !== null)
            .map((c) => [c.name, c.provider ?? '']),
        ),
      );
    });

  const importChosen = () =>
    run(async () => {
      const items = Object.entries(chosen)
        .filter(([, provider]) => provider !== '')
        .map(([name, provider]) => ({ name, provider }));
      setResults(await call('importKeys', { items }));
      await loadKeys();
      setCandidates(null);
    });

  return (
    <div className="stack" style={{ gap: 10 }}>
      <div className="row">
        <button type="button" onClick={() => void scan()} disabled={busy}>
          Find keys in environment variables
        </button>
        <span className="small muted">
          Looks for names such as GROQ_API_KEY in the engine's environment.
        </span>
      </div>
      <Alert message={error} />
      {candidates !== null &&
        (candidates.length === 0 ? (
          <p className="muted" style={{ margin: 0 }}>
            No provider keys found in the environment.
          </p>
        ) : (
          <>
            <table>
              <TableHead columns={['Import', 'Variable', 'Key', 'Provider']} />
              <tbody>
                {candidates.map((c) => (
                  <tr key={c.name}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Import ${c.name}`}
                        checked={chosen[c.name] !== undefined}
                        disabled={c.alreadyAdded}
                        onChange={(e) =>
                          setChosen((prev) => {
                            const { [c.name]: _drop, ...rest } = prev;
                            return e.target.checked
                              ? { ...rest, [c.name]: c.provider ?? '' }
                              : rest;
                          })
                        }
                      />
                    </td>
                    <td className="mono">{c.name}</td>
                    <td className="mono">
                      ••••{c.last4}{' '}
                      {c.alreadyAdded && <span className="pill neutral">already added</span>}
                    </td>
                    <td>
                      <Select
                        aria-label={`Provider for ${c.name}`}
                        value={chosen[c.name] ?? c.provider ?? ''}
                        choices={choices}
                        onChange={(provider) =>
                          setChosen((prev) => ({ ...prev, [c.name]: provider }))
                        }
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="row">
              <button
                type="button"
                className="primary"
                disabled={busy || Object.values(chosen).every((p) => p === '')}
                onClick={() => void importChosen()}
              >
                Import into the keychain
              </button>
            </div>
          </>
        ))}
      {results.length > 0 && (
        <ul aria-live="polite" style={{ margin: 0 }}>
          {results.map((r) => (
            <li key={r.name}>
              <span className="mono">{r.name}</span>: {r.outcome}. {r.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
