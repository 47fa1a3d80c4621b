import { useState } from 'react';
import type { BaseUrlCodeIssued, KeyView } from '../../../app/admin/types.ts';
import { call } from '../api/client.ts';
import { useBusy } from '../lib/useBusy.ts';
import { useStore } from '../store/index.ts';
import { InlineForm } from './InlineForm.tsx';

const CODE_INPUT = {
  inputMode: 'numeric',
  autoComplete: 'one-time-code',
  pattern: '\\d{6}',
  maxLength: 6,
} as const;

/**
 * A key whose provider now points somewhere it was not confirmed for: the engine holds it back.
 * The person reviews the new address and confirms it with a code the engine shows outside the
 * admin API (the app's own dialog, or the terminal of `switchyard serve`), so the dashboard link
 * alone is not enough to send a key somewhere new.
 */
export function BaseUrlConfirm(props: { keyView: KeyView }) {
  const k = props.keyView;
  const { confirmBaseUrl, toast } = useStore.getState();
  const [issued, setIssued] = useState<BaseUrlCodeIssued | null>(null);
  const [code, setCode] = useState('');
  const { busy, error, run } = useBusy();
  const pending = k.unconfirmedBaseUrl;
  if (pending === undefined) return null;

  return (
    <div className="banner warn" data-testid={`confirm-url-${k.id}`} style={{ width: '100%' }}>
      <p>
        Provider <b>{k.provider}</b> now points at <code>{pending.current}</code>. This key{' '}
        {pending.confirmed === null ? (
          'was never confirmed for an address'
        ) : (
          <>
            was confirmed for <code>{pending.confirmed}</code>
          </>
        )}
        , so Switchyard does not send it there. Confirm only if you changed the address yourself.
      </p>
      {issued === null ? (
        <button
          type="button"
          className="small"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              setIssued(await call('requestBaseUrlCode', {}, { params: { id: k.id } }));
            })
          }
        >
          Confirm this address…
        </button>
      ) : (
        <InlineForm
          label={`Code shown in ${issued.shownIn}`}
          input={CODE_INPUT}
          value={code}
          onChange={setCode}
          complete={code.trim().length === 6}
          busy={busy}
          submit="Confirm"
          onSubmit={() =>
            void run(async () => {
              await confirmBaseUrl(k.id, issued.baseUrl, code.trim());
              toast('success', `Key "${k.label}" may now go to ${issued.baseUrl}.`);
            })
          }
          onCancel={() => setIssued(null)}
        />
      )}
      {error !== null && (
        <p role="alert" className="small">
          {error}
        </p>
      )}
    </div>
  );
}
