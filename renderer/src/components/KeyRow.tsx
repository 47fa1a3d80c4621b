import { useState } from 'react';
import type { KeyView } from '../../../app/admin/types.ts';

import { useBusy } from '../lib/useBusy.ts';
import { useStore } from '../store/index.ts';
import { Alert } from './Alert.tsx';
import { BaseUrlConfirm } from './BaseUrlConfirm.tsx';
import { InlineForm } from './InlineForm.tsx';

const SECRET_INPUT = { type: 'password', autoComplete: 'off', spellCheck: false } as const;

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

/** One configured key: never its secret, only its last four, where it lives and whether it works. */
export function KeyRow(props: { keyView: KeyView }) {
  const k = props.keyView;
  const { testKey, replaceKey, deleteKey, toast } = useStore.getState();
  const [mode, setMode] = useState<'idle' | 'replace' | 'confirm-delete'>('idle');
  const [secret, setSecret] = useState('');
  const { busy, error, run } = useBusy();

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
        <InlineForm
          style={{ width: '100%' }}
          label={`New secret for ${k.label}`}
          input={SECRET_INPUT}
          value={secret}
          onChange={setSecret}
          complete={secret.trim() !== ''}
          busy={busy}
          submit="Replace key"
          onSubmit={() =>
            void run(async () => {
              const result = await replaceKey(k.id, secret.trim());
              setSecret('');
              setMode('idle');
              toast('success', `Key "${k.label}" replaced. ${result.test.message}`);
            })
          }
          onCancel={() => setMode('idle')}
        />
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
      <Alert message={error} style={{ width: '100%' }} />
    </li>
  );
}
