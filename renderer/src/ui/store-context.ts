import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from '../store/app-store';

/** The one store, provided at the root (a fresh one per window). */
export const StoreContext = createContext<AppStore | null>(null);

export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store)
    throw new Error('StoreContext is missing: render inside <StoreContext value={store}>.');
  return store;
}

/** Read a slice of state; the component re-renders only when the selected value changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStore(), selector);
}
