import type { SliceCreator } from './types.ts';

export type ToastKind = 'success' | 'info' | 'error';
export type Toast = { id: number; kind: ToastKind; text: string };

export type ToastSlice = {
  toasts: Toast[];
  toast: (kind: ToastKind, text: string) => void;
  dismissToast: (id: number) => void;
};

const MAX_TOASTS = 4;
let nextId = 1;

export const createToastSlice: SliceCreator<ToastSlice> = (set) => ({
  toasts: [],
  toast: (kind, text) =>
    set((s) => ({ toasts: [...s.toasts, { id: nextId++, kind, text }].slice(-MAX_TOASTS) })),
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
});
