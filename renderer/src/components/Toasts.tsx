import { useEffect } from 'react';
import { useStore } from '../store/index.ts';
import type { Toast } from '../store/toastSlice.ts';

function ToastItem(props: { toast: Toast; onDismiss: (id: number) => void }) {
  const { toast, onDismiss } = props;
  useEffect(() => {
    // Errors stay until dismissed: they usually say what to do.
    if (toast.kind === 'error') return;
    const timer = setTimeout(() => onDismiss(toast.id), 6000);
    return () => clearTimeout(timer);
  }, [toast, onDismiss]);
  return (
    <div className={`toast ${toast.kind}`}>
      <p>{toast.text}</p>
      <button
        type="button"
        className="icon"
        aria-label="Dismiss"
        onClick={() => onDismiss(toast.id)}
      >
        ×
      </button>
    </div>
  );
}

/** Confirmations and errors of actions, announced to screen readers as they appear. */
export function Toasts() {
  const toasts = useStore((s) => s.toasts);
  const dismiss = useStore((s) => s.dismissToast);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} onDismiss={dismiss} />
      ))}
    </div>
  );
}
