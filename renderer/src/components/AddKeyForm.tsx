import { useId, useState, type FormEvent } from 'react';
import type { Provider } from '../../../app/catalog/schema.ts';
import { fieldErrors } from '../api/client.ts';
import { useStore } from '../store/index.ts';
import { describedBy, Field, fieldAria } from './Field.tsx';

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
            {...fieldAria(ids.provider, { error: errors.provider })}
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
            {...fieldAria(ids.label, { error: errors.label })}
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
