import { useId, useState, type FormEvent } from 'react';
import type { ImportCandidate, ImportResult, KeyView } from '../../../app/admin/types.ts';
import type { Provider } from '../../../app/catalog/schema.ts';
import { call, describeError, fieldErrors } from '../api/client.ts';
import { useStore } from '../store/index.ts';
import { BaseUrlConfirm } from './BaseUrlConfirm.tsx';
import { describedBy, Field } from './Field.tsx';

const KEY_STATUS_TONE: Record<KeyView['status'], string> = {
  ok: 'ok',
  untested: 'neutral',
  invalid: 'bad',
  exhausted: 'parked',
  missing: 'bad',
};

const KEY_STATUS_WORD: Record<KeyView['status'], string> = {
  ok: 'works',
  untested: 'untested',
  invalid: 'invalid',
  exhausted: 'quota spent',
  missing: 'secret missing',
};

/**
 * A new provider key: the secret goes to the engine once, into the OS keychain, and this form
 * forgets it as soon as the engine has it; or the name of an environment variable that holds it.
 */
export function AddKeyForm(props: { providers: readonly Provider[]; initialProvider?: string }) {
  const ids = {
    provider: useId(),
    label: useId(),
    tier: useId(),
    from: useId(),
    secret: useId(),
    env: useId(),
  };
  const addKey = useStore((s) => s.addKey);
  const toast = useStore((s) => s.toast);
  const [provider, setProvider] = useState(props.initialProvider ?? props.providers[0]?.id ?? '');
  const [label, setLabel] = useState('');
  const [tier, setTier] = useState<'free' | 'paid'>('free');
  const [from, setFrom] = useState<'secret' | 'env'>('secret');
  const [secret, setSecret] = useState('');
  const [env, setEnv] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const result = await addKey({
        provider,
        label: label.trim() === '' ? `${provider} key` : label.trim(),
        tier,
        ...(from === 'secret' ? { secret: secret.trim() } : { env: env.trim() }),
      });
      setSecret('');
      setLabel('');
      setEnv('');
      toast(
        result.test.outcome === 'invalid' || result.test.outcome === 'failed' ? 'error' : 'success',
        `Key "${result.key.label}" saved${from === 'secret' ? ' in the keychain' : ''}. ${result.test.message}`,
      );
    } catch (err) {
      setErrors(fieldErrors(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="stack"
      onSubmit={(e) => void submit(e)}
      aria-label="Add a key"
      style={{ gap: 10 }}
    >
      <div className="form-grid key-form">
        <Field id={ids.provider} label="Provider" error={errors.provider}>
          <select
            id={ids.provider}
            value={provider}
            onChange={(e) => setProvider(e.target.value)}
            aria-invalid={errors.provider !== undefined}
            aria-describedby={describedBy(ids.provider, { error: errors.provider })}
          >
            {props.providers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id={ids.label} label="Label" error={errors.label}>
          <input
            id={ids.label}
            value={label}
            placeholder="e.g. personal"
            maxLength={80}
            onChange={(e) => setLabel(e.target.value)}
            aria-invalid={errors.label !== undefined}
            aria-describedby={describedBy(ids.label, { error: errors.label })}
          />
        </Field>
        <Field id={ids.tier} label="Tier">
          <select
            id={ids.tier}
            value={tier}
            onChange={(e) => setTier(e.target.value as 'free' | 'paid')}
          >
            <option value="free">Free tier</option>
            <option value="paid">Paid (counts against route budgets)</option>
          </select>
        </Field>
        <Field id={ids.from} label="Secret">
          <select
            id={ids.from}
            value={from}
            onChange={(e) => setFrom(e.target.value as 'secret' | 'env')}
          >
            <option value="secret">Paste it (into the OS keychain)</option>
            <option value="env">From an environment variable</option>
          </select>
        </Field>
        {from === 'secret' ? (
          <Field id={ids.secret} label="API key" error={errors.secret}>
            <input
              id={ids.secret}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              aria-invalid={errors.secret !== undefined}
              aria-describedby={`${ids.from}-how ${describedBy(ids.secret, { error: errors.secret }) ?? ''}`.trim()}
            />
          </Field>
        ) : (
          <Field id={ids.env} label="Variable name" error={errors.env}>
            <input
              id={ids.env}
              value={env}
              placeholder="GROQ_API_KEY"
              spellCheck={false}
              onChange={(e) => setEnv(e.target.value)}
              aria-invalid={errors.env !== undefined}
              aria-describedby={`${ids.from}-how ${describedBy(ids.env, { error: errors.env }) ?? ''}`.trim()}
            />
          </Field>
        )}
      </div>
      {errors._ !== undefined && (
        <div className="banner bad" role="alert">
          {errors._}
        </div>
      )}
      <div className="row">
        <span id={`${ids.from}-how`} className="small muted" style={{ flex: 1 }}>
          {from === 'secret'
            ? 'The key goes to the OS keychain; this page shows only its last four characters from then on.'
            : 'Switchyard reads the variable from its own environment at each request.'}
        </span>
        <button
          type="submit"
          className="primary"
          disabled={
            busy ||
            provider === '' ||
            (from === 'secret' ? secret.trim() === '' : env.trim() === '')
          }
        >
          {busy ? 'Checking the key…' : 'Save key'}
        </button>
      </div>
    </form>
  );
}

/** One configured key: never its secret, only its last four, where it lives and whether it works. */
export function KeyRow(props: { keyView: KeyView }) {
  const k = props.keyView;
  const { testKey, replaceKey, deleteKey, toast } = useStore.getState();
  const [mode, setMode] = useState<'idle' | 'replace' | 'confirm-delete'>('idle');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const secretId = useId();

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

  return (
    <li className="key-row" data-testid={`key-${k.id}`}>
      <span className="key-label">{k.label}</span>
      <span className="mono small">{k.last4 !== null ? `••••${k.last4}` : '••••'}</span>
      <span className="pill outline">{k.tier}</span>
      <span className="pill outline">
        {k.source === 'env' ? `env ${k.envName ?? ''}` : 'keychain'}
      </span>
      <span className={`pill ${KEY_STATUS_TONE[k.status]}`}>{KEY_STATUS_WORD[k.status]}</span>
      {k.lastTest !== undefined && (
        <span className="small muted" title={k.lastTest.testedAt}>
          {k.lastTest.message}
        </span>
      )}
      <span className="row" style={{ marginLeft: 'auto' }}>
        <button
          type="button"
          className="small"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              const result = await testKey(k.id);
              toast(
                result.test.outcome === 'ok' ? 'success' : 'info',
                `${k.label}: ${result.test.message}`,
              );
            })
          }
        >
          Test
        </button>
        {k.source === 'keychain' && (
          <button
            type="button"
            className="small"
            disabled={busy}
            onClick={() => setMode('replace')}
          >
            Replace
          </button>
        )}
        <button
          type="button"
          className="small danger"
          disabled={busy}
          onClick={() => setMode('confirm-delete')}
        >
          Delete
        </button>
      </span>
      <BaseUrlConfirm keyView={k} />
      {mode === 'replace' && (
        <form
          className="row"
          style={{ width: '100%' }}
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              const result = await replaceKey(k.id, secret.trim());
              setSecret('');
              setMode('idle');
              toast('success', `Key "${k.label}" replaced. ${result.test.message}`);
            });
          }}
        >
          <label htmlFor={secretId} className="inline">
            New secret for {k.label}
            <input
              id={secretId}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
            />
          </label>
          <button type="submit" className="small primary" disabled={busy || secret.trim() === ''}>
            Replace key
          </button>
          <button type="button" className="small" onClick={() => setMode('idle')}>
            Cancel
          </button>
        </form>
      )}
      {mode === 'confirm-delete' && (
        <div
          className="row"
          role="group"
          aria-label={`Delete ${k.label}?`}
          style={{ width: '100%' }}
        >
          <span>
            Delete "{k.label}"{k.source === 'keychain' ? ' and its secret in the keychain' : ''}?
            Routes that name it fall back to the provider's other keys.
          </span>
          <button
            type="button"
            className="small danger"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await deleteKey(k.id);
                toast('info', `Key "${k.label}" deleted.`);
              })
            }
          >
            Delete key
          </button>
          <button type="button" className="small" onClick={() => setMode('idle')}>
            Keep it
          </button>
        </div>
      )}
      {error !== null && (
        <div className="field-error" role="alert" style={{ width: '100%' }}>
          {error}
        </div>
      )}
    </li>
  );
}

/** Keys found in the engine's environment, to move into the keychain in one go. */
export function ImportKeys(props: { providers: readonly Provider[] }) {
  const [candidates, setCandidates] = useState<ImportCandidate[] | null>(null);
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [results, setResults] = useState<ImportResult[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const loadKeys = useStore((s) => s.loadKeys);

  const scan = async () => {
    setBusy(true);
    setError(null);
    setResults([]);
    try {
      const found = await call('importCandidates', {});
      setCandidates(found);
      setChosen(
        Object.fromEntries(
          found
            .filter((c) => !c.alreadyAdded && c.provider !== null)
            .map((c) => [c.name, c.provider ?? '']),
        ),
      );
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const importChosen = async () => {
    setBusy(true);
    setError(null);
    try {
      const items = Object.entries(chosen)
        .filter(([, provider]) => provider !== '')
        .map(([name, provider]) => ({ name, provider }));
      setResults(await call('importKeys', { items }));
      await loadKeys();
      setCandidates(null);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

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
      {error !== null && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
      {candidates !== null &&
        (candidates.length === 0 ? (
          <p className="muted" style={{ margin: 0 }}>
            No provider keys found in the environment.
          </p>
        ) : (
          <>
            <table>
              <thead>
                <tr>
                  <th>Import</th>
                  <th>Variable</th>
                  <th>Key</th>
                  <th>Provider</th>
                </tr>
              </thead>
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
                      <select
                        aria-label={`Provider for ${c.name}`}
                        value={chosen[c.name] ?? c.provider ?? ''}
                        onChange={(e) =>
                          setChosen((prev) => ({ ...prev, [c.name]: e.target.value }))
                        }
                      >
                        <option value="">Pick a provider</option>
                        {props.providers.map((p) => (
                          <option key={p.id} value={p.id}>
                            {p.name}
                          </option>
                        ))}
                      </select>
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
