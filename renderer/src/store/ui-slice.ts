import type { RendererRecovery } from '../../../shared/model/recovery';
import { DEFAULT_ROUTE, parseRoute, type Route } from './routes';
import type { SliceCreator } from './slice-types';

export type LoadStatus =
  { phase: 'loading' } | { phase: 'ready' } | { phase: 'error'; message: string };

export interface UiSlice {
  route: Route;
  load: LoadStatus;
  /** Window has focus (reported to main for focus-aware notifications). */
  focused: boolean;
  /** The OS prefers dark (for `theme: system`). */
  systemDark: boolean;
  /** The browser reports no network. */
  online: boolean;
  /** The page runs on the built-in fake bridge (no backend). */
  demo: boolean;
  /** Politely announced text for screen readers (new critical alerts, copy confirmations). */
  announcement: string;
  /** This page is a reload after the previous one crashed or hung (desktop host), until dismissed. */
  recovered: RendererRecovery | null;
  navigate(link: string | Route): void;
  setFocused(focused: boolean): void;
  setSystemDark(dark: boolean): void;
  setOnline(online: boolean): void;
  announce(text: string): void;
  dismissRecovered(): void;
}

export const createUiSlice: SliceCreator<UiSlice> = (set) => ({
  route: DEFAULT_ROUTE,
  load: { phase: 'loading' },
  focused: true,
  systemDark: false,
  online: true,
  demo: false,
  announcement: '',
  recovered: null,
  navigate: (link) =>
    set({ route: typeof link === 'string' ? parseRoute(link) : link, bellOpen: false }),
  setFocused: (focused) => set({ focused }),
  setSystemDark: (systemDark) => set({ systemDark }),
  setOnline: (online) => set({ online }),
  announce: (announcement) => set({ announcement }),
  dismissRecovered: () => set({ recovered: null }),
});
