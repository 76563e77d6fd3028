import type { AppStore } from './app-store';
import { formatRoute, parseRoute } from './routes';

/**
 * The page's side of the store, outside React: hash ↔ route, window focus, the OS colour scheme
 * and the network state. Returns the function that removes every listener.
 */
export function bindWindow(store: AppStore, win: Window = window): () => void {
  const fromHash = () => {
    const route = parseRoute(win.location.hash);
    const current = store.getState().route;
    if (route.view !== current.view || route.param !== current.param)
      store.getState().navigate(route);
  };
  fromHash();
  const unwatchRoute = store.subscribe((state, prev) => {
    if (state.route === prev.route) return;
    const hash = formatRoute(state.route);
    if (win.location.hash !== hash) win.location.hash = hash;
  });
  const dark = win.matchMedia('(prefers-color-scheme: dark)');
  const onScheme = () => store.getState().setSystemDark(dark.matches);
  const onFocus = () => store.getState().setFocused(true);
  const onBlur = () => store.getState().setFocused(false);
  const onOnline = () => store.getState().setOnline(win.navigator.onLine);
  onScheme();
  onOnline();
  store.getState().setFocused(win.document.hasFocus());
  win.addEventListener('hashchange', fromHash);
  win.addEventListener('focus', onFocus);
  win.addEventListener('blur', onBlur);
  win.addEventListener('online', onOnline);
  win.addEventListener('offline', onOnline);
  dark.addEventListener('change', onScheme);
  return () => {
    unwatchRoute();
    win.removeEventListener('hashchange', fromHash);
    win.removeEventListener('focus', onFocus);
    win.removeEventListener('blur', onBlur);
    win.removeEventListener('online', onOnline);
    win.removeEventListener('offline', onOnline);
    dark.removeEventListener('change', onScheme);
  };
}
