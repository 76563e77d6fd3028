import type { WebPreferences } from 'electron';

/**
 * The renderer's security settings, in one place so tests can assert each one. The renderer talks
 * to main only through the preload bridge, so it needs no network, no Node and no other windows.
 */

/**
 * Content Security Policy of the renderer, sent as a header (the page's own meta policy applies
 * too; the browser enforces both). Scripts only from the app's files, never inline or eval. The
 * Electron renderer never connects anywhere itself (all data arrives over IPC), so `connect-src`
 * is `'none'`. Inline styles are allowed (the charts and the UI set them); inline scripts are not.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "worker-src 'none'",
  "manifest-src 'none'",
  "media-src 'none'",
].join('; ');

/** webPreferences of the main window: every secure default on, explicitly, never turned off. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: true,
  };
}

/**
 * Whether a URL the renderer tried to open may go to the OS browser: only absolute http(s) URLs
 * without credentials. Everything else (file:, javascript:, custom schemes, relative) is refused.
 */
export function isSafeExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  return url.hostname.length > 0;
}
