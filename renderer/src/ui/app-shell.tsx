import { useEffect, useMemo, type ReactNode } from 'react';
import { connectionSummary } from '../selectors/connection-health';
import { VIEWS, VIEW_LABELS, formatRoute, type ViewId } from '../store/routes';
import type { AppState } from '../store/app-store';
import { ConnectionBanners } from './banners';
import { Bell } from './bell';
import { PauseControl } from './pause-control';
import { Dot, Skeleton } from './common';
import { ErrorBoundary } from './error-boundary';
import { createErrorReporter, type ErrorContext } from './error-report';
import { RecoveryNotice } from './recovery-notice';
import { SignInDialog } from './sign-in-dialog';
import { useApp, useAppStore } from './store-context';
import { useResolvedTheme } from './theme';
import { BusinessesView } from '../views/businesses-view';
import { DashboardView } from '../views/dashboard-view';
import { DiagnosticsView } from '../views/diagnostics/diagnostics-view';
import { NotificationsView } from '../views/notifications-view';
import { SettingsView } from '../views/settings-view';
import { StatsView } from '../views/stats-view';
import { TasksView } from '../views/tasks-view';
import { WelcomePanel } from '../views/welcome-panel';

const NAV_ICONS: Record<ViewId, string> = {
  dashboard: 'M3 13h8V3H3v10Zm0 8h8v-6H3v6Zm10 0h8V11h-8v10Zm0-18v6h8V3h-8Z',
  notifications:
    'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z',
  businesses: 'M4 4h16v2H4V4Zm1 3h14l1 5v2h-1v6H5v-6H4v-2l1-5Zm2 7v4h6v-4H7Z',
  stats: 'M4 20V10h3v10H4Zm6 0V4h3v16h-3Zm6 0v-7h3v7h-3Z',
  tasks: 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4L9 16.2Z',
  diagnostics: 'M3 12h4l3-8 4 16 3-8h4v2h-2.6l-4.4 11.5L10 9.6 8.4 14H3v-2Z',
  settings:
    'M19.4 13a7.7 7.7 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.6 7.6 0 0 0-1.7-1L15 3h-4l-.4 2.7a7.6 7.6 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.7 7.7 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1c.5.4 1.1.7 1.7 1L11 21h4l.4-2.7c.6-.3 1.2-.6 1.7-1l2.5 1 2-3.5-2.2-1.8ZM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7Z',
};

function ConnectionPill() {
  const store = useAppStore();
  const health = useApp((s) => s.health);
  const endpoints = useApp((s) => s.endpoints);
  const summary = connectionSummary(health, endpoints);
  return (
    <button
      type="button"
      className={`pill pill--${summary.tone}`}
      title="Open connection diagnostics"
      data-testid="connection-pill"
      onClick={() =>
        store.getState().navigate(summary.focus ? `diagnostics/${summary.focus}` : 'diagnostics')
      }
    >
      <Dot tone={summary.tone} />
      <span>{summary.label}</span>
    </button>
  );
}

function ThemeToggle() {
  const store = useAppStore();
  const resolved = useResolvedTheme();
  const next = resolved === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="icon-btn"
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      onClick={() =>
        void store
          .getState()
          .updateSettings({ theme: next })
          .catch(() => undefined)
      }
    >
      <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden focusable="false">
        {resolved === 'dark' ? (
          <path
            fill="currentColor"
            d="M12 18a6 6 0 1 1 0-12 6 6 0 0 1 0 12Zm0-16 1.5 2.5h-3L12 2Zm0 20-1.5-2.5h3L12 22ZM2 12l2.5-1.5v3L2 12Zm20 0-2.5 1.5v-3L22 12Z"
          />
        ) : (
          <path fill="currentColor" d="M20 15.3A8.5 8.5 0 0 1 8.7 4a8.5 8.5 0 1 0 11.3 11.3Z" />
        )}
      </svg>
    </button>
  );
}

function Header() {
  const demo = useApp((s) => s.demo);
  const host = useApp((s) => s.host);
  return (
    <header className="topbar">
      <a className="brand" href="#/dashboard" aria-label="Lookout dashboard">
        <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden focusable="false">
          <circle cx="12" cy="12" r="10" fill="var(--accent)" />
          <circle cx="12" cy="12" r="4.5" fill="var(--surface)" />
          <circle cx="12" cy="12" r="2" fill="var(--accent)" />
        </svg>
        <span>Lookout</span>
      </a>
      {demo ? <span className="tag tag--demo">Demo data (no backend)</span> : null}
      {host && !demo ? (
        <span className="tag">
          {host.kind === 'browser' ? 'Browser' : 'Desktop'} · v{host.appVersion}
        </span>
      ) : null}
      <div className="topbar__spacer" />
      <ConnectionPill />
      <PauseControl />
      <Bell />
      <ThemeToggle />
    </header>
  );
}

/**
 * The views. In a narrow window (under 1000 px) the sidebar shows icons only: each link keeps its
 * name for screen readers (the label is hidden visually, not removed), shows it as a tooltip on
 * hover and on keyboard focus, and the unread count stays as a badge on the bell.
 */
function Nav() {
  const view = useApp((s) => s.route.view);
  const unread = useApp((s) => s.unread);
  return (
    <nav className="sidenav" aria-label="Main">
      <ul>
        {VIEWS.map((v) => {
          const count = v === 'notifications' && unread > 0 ? unread : 0;
          return (
            <li key={v}>
              <a
                href={formatRoute({ view: v, param: null })}
                className={v === view ? 'is-active' : undefined}
                aria-current={v === view ? 'page' : undefined}
              >
                <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden focusable="false">
                  <path fill="currentColor" d={NAV_ICONS[v]} />
                </svg>
                <span className="sidenav__label">{VIEW_LABELS[v]}</span>
                {count > 0 ? (
                  <span className="count sidenav__count" data-testid="nav-unread">
                    {count > 99 ? '99+' : count}
                    <span className="sr-only"> unread</span>
                  </span>
                ) : null}
                {/* The tooltip of the icon-only sidebar; the link's name is the label above. */}
                <span className="sidenav__tip" aria-hidden="true">
                  {VIEW_LABELS[v]}
                  {count > 0 ? ` (${count} unread)` : ''}
                </span>
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function CurrentView() {
  const view = useApp((s) => s.route.view);
  switch (view) {
    case 'dashboard':
      return <DashboardView />;
    case 'notifications':
      return <NotificationsView />;
    case 'businesses':
      return <BusinessesView />;
    case 'stats':
      return <StatsView />;
    case 'tasks':
      return <TasksView />;
    case 'diagnostics':
      return <DiagnosticsView />;
    case 'settings':
      return <SettingsView />;
  }
}

/** What a copied error report says about where the page runs. */
export function errorContext(state: AppState): ErrorContext {
  return {
    ...(state.host ? { appVersion: state.host.appVersion, host: state.host.kind } : {}),
    route: formatRoute(state.route),
    userAgent: navigator.userAgent,
  };
}

/** One broken view must not take the navigation with it: going elsewhere gives it another try. */
function ViewBoundary({ children }: { children: ReactNode }) {
  const store = useAppStore();
  const view = useApp((s) => s.route.view);
  const bridge = useApp((s) => s.bridge);
  const report = useMemo(() => createErrorReporter(bridge), [bridge]);
  return (
    <ErrorBoundary
      scope={VIEW_LABELS[view]}
      resetKey={view}
      report={report}
      context={() => errorContext(store.getState())}
    >
      {children}
    </ErrorBoundary>
  );
}

function Main() {
  const load = useApp((s) => s.load);
  const firstRunDone = useApp((s) => s.settings.firstRunDone);
  const view = useApp((s) => s.route.view);
  if (load.phase === 'loading') {
    return (
      <div className="page">
        <h1 className="page__title">Loading…</h1>
        <Skeleton rows={6} />
      </div>
    );
  }
  if (load.phase === 'error') {
    return (
      <div className="page">
        <div className="callout callout--bad" role="alert">
          <strong>Lookout could not load its state.</strong>
          <p>{load.message}</p>
          <p>Restart Lookout; if this keeps happening, the log file holds the details.</p>
          <button type="button" className="btn" onClick={() => location.reload()}>
            Reload
          </button>
        </div>
      </div>
    );
  }
  return (
    <>
      <RecoveryNotice />
      <ConnectionBanners />
      {!firstRunDone && view === 'dashboard' ? <WelcomePanel /> : null}
      <ViewBoundary>
        <CurrentView />
      </ViewBoundary>
    </>
  );
}

/** The whole window: header, left navigation, the current view, dialogs and the live region. */
export function AppShell() {
  const resolved = useResolvedTheme();
  const announcement = useApp((s) => s.announcement);
  const view = useApp((s) => s.route.view);
  useEffect(() => {
    document.documentElement.dataset.theme = resolved;
  }, [resolved]);
  const param = useApp((s) => s.route.param);
  useEffect(() => {
    document.title = `${VIEW_LABELS[view]} · Lookout`;
    document.getElementById('main')?.scrollTo({ top: 0 });
  }, [view, param]);
  return (
    <div className="app">
      <button
        type="button"
        className="skip-link"
        onClick={() => document.getElementById('main')?.focus()}
      >
        Skip to content
      </button>
      <Header />
      <Nav />
      <main id="main" className="content" tabIndex={-1}>
        <Main />
      </main>
      <SignInDialog />
      <div className="sr-only" role="status" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
    </div>
  );
}
