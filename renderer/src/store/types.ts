import type { StateCreator } from 'zustand';
import type { CatalogSlice } from './catalogSlice.ts';
import type { EngineSlice } from './engineSlice.ts';
import type { KeysSlice } from './keysSlice.ts';
import type { LiveSlice } from './liveSlice.ts';
import type { MetricsSlice } from './metricsSlice.ts';
import type { QuotaSlice } from './quotaSlice.ts';
import type { RequestsSlice } from './requestsSlice.ts';
import type { RoutesSlice } from './routesSlice.ts';
import type { ModelWatchSlice } from './modelWatchSlice.ts';
import type { ToastSlice } from './toastSlice.ts';

/** The one dashboard store: every slice's state and actions side by side. */
export type Store = EngineSlice &
  CatalogSlice &
  RoutesSlice &
  KeysSlice &
  QuotaSlice &
  MetricsSlice &
  RequestsSlice &
  LiveSlice &
  ToastSlice &
  ModelWatchSlice;

/** A slice sees the whole store through `get`, so actions can read other slices. */
export type SliceCreator<S> = StateCreator<Store, [], [], S>;

/** Where a fetched thing stands; `error` keeps the last good data on screen beside the message. */
export type LoadState = 'idle' | 'loading' | 'ready' | 'error';
