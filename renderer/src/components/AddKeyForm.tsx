import { useId, useState, type FormEvent } from 'react';
import type { Provider } from '../../../app/catalog/schema.ts';
import { fieldErrors } from '../api/client.ts';
import { useStore } from '../store/index.ts';
import { Alert } from './Alert.tsx';
import { describedBy, Field, fieldAria } from './Field.tsx';
import { providerChoices, Select, type Choice } from './Select.tsx';
import { TextField } from './TextField.tsx';

const TIERS: Choice<'free' | 'paid'>[] = [
  { value: 'free', label: 'Free tier' },
  { value: 'paid', label: 'Paid (counts against route budgets)' },
];

const SOURCES: Choice<'secret' | 'env'>[] = [
  { value: 'secret', label: 'Paste it (into the OS keychain)' },
  { value: 'env', label: 'From an environment variable' },
];

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

  // The secret's field is described by the line that says where the secret goes, and its error.
  const withHow = (id: string, error: string | undefined) => ({
    'aria-invalid': error !== undefined,
    'aria-describedby': `${ids.from}-how ${describedBy(id, { error }) ?? ''}`.trim(),
  });

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
          <Select
            id={ids.provider}
            value={provider}
            choices={providerChoices(props.providers)}
            onChange={setProvider}
            {...fieldAria(ids.provider, { error: errors.provider })}
          />
        </Field>
        <TextField
          id={ids.label}
          label="Label"
          value={label}
          placeholder="e.g. personal"
          maxLength={80}
          onChange={setLabel}
          error={errors.label}
        />
        <Field id={ids.tier} label="Tier">
          <Select id={ids.tier} value={tier} choices={TIERS} onChange={setTier} />
        </Field>
        <Field id={ids.from} label="Secret">
          <Select id={ids.from} value={from} choices={SOURCES} onChange={setFrom} />
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
              {...withHow(ids.secret, errors.secret)}
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
              {...withHow(ids.env, errors.env)}
            />
          </Field>
        )}
      </div>
      <Alert message={errors._} className="banner bad" />
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
