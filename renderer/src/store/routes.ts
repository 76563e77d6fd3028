/** The app's views, in left-nav order. */
export const VIEWS = [
  'dashboard',
  'notifications',
  'businesses',
  'stats',
  'tasks',
  'diagnostics',
  'settings',
] as const;
export type ViewId = (typeof VIEWS)[number];

/** Where the user is: a view and an optional item (business key, task key, endpoint id). */
export interface Route {
  view: ViewId;
  param: string | null;
}

export const DEFAULT_ROUTE: Route = { view: 'dashboard', param: null };

const isView = (v: string): v is ViewId => (VIEWS as readonly string[]).includes(v);

/**
 * Parse `#/businesses/17`, `businesses/17`, `/tasks/abc` or `diagnostics` into a route. Unknown
 * views fall back to the dashboard so a stale link from an old notification still opens the app.
 */
export function parseRoute(link: string): Route {
  const clean = link.replace(/^#/, '').replace(/^\/+/, '').trim();
  const slash = clean.indexOf('/');
  const head = slash === -1 ? clean : clean.slice(0, slash);
  const rest = slash === -1 ? '' : clean.slice(slash + 1);
  if (!isView(head)) return DEFAULT_ROUTE;
  let param: string | null = null;
  if (rest) {
    try {
      param = decodeURIComponent(rest);
    } catch {
      param = rest;
    }
  }
  return { view: head, param };
}

/** The hash of a route: `#/tasks/abc`. */
export function formatRoute(route: Route): string {
  return `#/${route.view}${route.param ? `/${encodeURIComponent(route.param)}` : ''}`;
}

export const VIEW_LABELS: Record<ViewId, string> = {
  dashboard: 'Dashboard',
  notifications: 'Notifications',
  businesses: 'Businesses',
  stats: 'Stats',
  tasks: 'Tasks',
  diagnostics: 'Diagnostics',
  settings: 'Settings',
};
