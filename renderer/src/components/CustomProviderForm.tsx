import { useId, useState, type FormEvent } from 'react';
import { fieldErrors } from '../api/client.ts';
import { useStore } from '../store/index.ts';
import { Alert } from './Alert.tsx';
import { Select, type Choice } from './Select.tsx';
import { TextField } from './TextField.tsx';

type Format = 'openai' | 'anthropic' | 'gemini';

const FORMATS: Choice<Format>[] = [
  { value: 'openai', label: 'OpenAI-compatible' },
  { value: 'anthropic', label: 'Anthropic' },
  { value: 'gemini', label: 'Gemini' },
];

/** The provider's words, as typed: trimmed and split when saved. */
type Draft = { id: string; name: string; baseUrl: string; models: string };

const EMPTY: Draft = { id: '', name: '', baseUrl: '', models: '' };

/** The one-line fields of the grid, each under the name the engine's errors use for it. */
const GRID_FIELDS = [
  { field: 'id', label: 'Id', placeholder: 'my-llm' },
  { field: 'name', label: 'Name', placeholder: 'My LLM server' },
  { field: 'baseUrl', label: 'Base URL', placeholder: 'http://127.0.0.1:8080/v1' },
] as const;

/** Adds a provider the catalog does not know: an id, a name, its address, its format and models. */
export function CustomProviderForm() {
  const base = useId();
  const ids = { models: `${base}-models`, format: `${base}-format` };
  const saveProvider = useStore((s) => s.saveProvider);
  const toast = useStore((s) => s.toast);
  const [draft, setDraft] = useState(EMPTY);
  const [format, setFormat] = useState<Format>('openai');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (field: keyof Draft, value: string) => setDraft((d) => ({ ...d, [field]: value }));
  const { id, name, baseUrl, models } = draft;
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
      setDraft(EMPTY);
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
        {GRID_FIELDS.map(({ field, label, placeholder }) => (
          <TextField
            key={field}
            id={`${base}-${field}`}
            label={label}
            value={draft[field]}
            placeholder={placeholder}
            onChange={(value) => set(field, value)}
            error={errors[field]}
          />
        ))}
        <label htmlFor={ids.format}>
          Wire format
          <Select id={ids.format} value={format} choices={FORMATS} onChange={setFormat} />
        </label>
      </div>
      <label htmlFor={ids.models}>
        Models (comma or space separated)
        <input
          id={ids.models}
          value={models}
          placeholder="llama3.1:8b, qwen2.5-coder"
          onChange={(e) => set('models', e.target.value)}
        />
      </label>
      <Alert message={errors._} />
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
