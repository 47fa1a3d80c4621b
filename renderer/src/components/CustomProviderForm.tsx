import { useId, useState, type FormEvent } from 'react';
import { fieldErrors } from '../api/client.ts';
import { useStore } from '../store/index.ts';
import { Field, fieldAria } from './Field.tsx';

/** Adds a provider the catalog does not know: an id, a name, its address, its format and models. */
export function CustomProviderForm() {
  const ids = { id: useId(), name: useId(), url: useId(), models: useId(), format: useId() };
  const saveProvider = useStore((s) => s.saveProvider);
  const toast = useStore((s) => s.toast);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [models, setModels] = useState('');
  const [format, setFormat] = useState<'openai' | 'anthropic' | 'gemini'>('openai');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    try {
      await saveProvider(id.trim(), {
        custom: true,
        baseUrl: baseUrl.trim(),
        format,
        ...(name.trim() !== '' ? { name: name.trim() } : {}),
        models: models
          .split(/[\s,]+/)
          .map((m) => m.trim())
          .filter((m) => m !== ''),
      });
      toast(
        'success',
        `Provider "${name || id}" added. Add a key for it below, or leave it keyless.`,
      );
      setId('');
      setName('');
      setBaseUrl('');
      setModels('');
    } catch (err) {
      setErrors(fieldErrors(err));
    }
  };
  return (
    <form
      className="stack"
      onSubmit={(e) => void submit(e)}
      aria-label="Add a custom provider"
      style={{ gap: 10 }}
    >
      <div className="form-grid">
        <Field id={ids.id} label="Id" error={errors.id}>
          <input
            id={ids.id}
            value={id}
            placeholder="my-llm"
            onChange={(e) => setId(e.target.value)}
            {...fieldAria(ids.id, { error: errors.id })}
          />
        </Field>
        <label htmlFor={ids.name}>
          Name
          <input
            id={ids.name}
            value={name}
            placeholder="My LLM server"
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <Field id={ids.url} label="Base URL" error={errors.baseUrl}>
          <input
            id={ids.url}
            value={baseUrl}
            placeholder="http://127.0.0.1:8080/v1"
            onChange={(e) => setBaseUrl(e.target.value)}
            {...fieldAria(ids.url, { error: errors.baseUrl })}
          />
        </Field>
        <label htmlFor={ids.format}>
          Wire format
          <select
            id={ids.format}
            value={format}
            onChange={(e) => setFormat(e.target.value as typeof format)}
          >
            <option value="openai">OpenAI-compatible</option>
            <option value="anthropic">Anthropic</option>
            <option value="gemini">Gemini</option>
          </select>
        </label>
      </div>
      <label htmlFor={ids.models}>
        Models (comma or space separated)
        <input
          id={ids.models}
          value={models}
          placeholder="llama3.1:8b, qwen2.5-coder"
          onChange={(e) => setModels(e.target.value)}
        />
      </label>
      {errors._ !== undefined && (
        <div className="field-error" role="alert">
          {errors._}
        </div>
      )}
      <div className="row">
        <button
          type="submit"
          className="primary"
          disabled={id.trim() === '' || baseUrl.trim() === ''}
        >
          Add provider
        </button>
      </div>
    </form>
  );
}
