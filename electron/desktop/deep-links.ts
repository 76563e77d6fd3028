/** `lookout://businesses/17` opens that item; `lookout://diagnostics` a view. */
export const DEEP_LINK_SCHEME = 'lookout';

const MAX_LINK = 500;

/**
 * The in-app link of a `lookout://` URL (`businesses/17`), or null for anything else. Only a path
 * of printable characters is kept: the renderer's router decides what it opens (an unknown view
 * opens the dashboard), so a link from a web page can navigate, never do more.
 */
export function linkFromUrl(url: string): string | null {
  if (typeof url !== 'string' || url.length > MAX_LINK) return null;
  const prefix = `${DEEP_LINK_SCHEME}://`;
  if (!url.toLowerCase().startsWith(prefix)) return null;
  const link = url
    .slice(prefix.length)
    .replace(/^\/+/, '')
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '');
  if (!/^[A-Za-z0-9._~%:@!$&'()*+,;=/-]*$/.test(link)) return null;
  return link || 'dashboard';
}

/** The first `lookout://` link among a launch's arguments (Windows and Linux pass it there). */
export function linkFromArgv(argv: readonly string[]): string | null {
  for (const arg of argv) {
    const link = linkFromUrl(arg);
    if (link) return link;
  }
  return null;
}

/** The slice of Electron's `app` deep links need. */
export interface DeepLinkApp {
  isPackaged: boolean;
  setAsDefaultProtocolClient(protocol: string): boolean;
  on(
    event: 'open-url',
    listener: (event: { preventDefault(): void }, url: string) => void,
  ): unknown;
}

/**
 * Registers `lookout://` with the OS (installed builds only: in development it would register the
 * bare Electron binary) and reports links: macOS sends `open-url` (also on a cold start, before
 * `ready`); Windows and Linux start the app with the link in `argv` (a cold start) or hand it to
 * the running instance through `second-instance` (see `acquireSingleInstance`).
 */
export function registerDeepLinks(
  app: DeepLinkApp,
  argv: readonly string[],
  onLink: (link: string) => void,
): void {
  if (app.isPackaged) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const link = linkFromUrl(url);
    if (link) onLink(link);
  });
  const cold = linkFromArgv(argv);
  if (cold) onLink(cold);
}
