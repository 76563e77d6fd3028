import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getBridge } from './bridge';
import { createAppStore } from './store/app-store';
import { bindBridge } from './store/bind-bridge';
import { bindWindow } from './store/window-bindings';
import { AppShell, errorContext } from './ui/app-shell';
import { ErrorBoundary } from './ui/error-boundary';
import { createErrorReporter, describeThrown } from './ui/error-report';
import { StoreContext } from './ui/store-context';
import './styles/app.css';
import './styles/diagnostics-tools.css';

/** Full-page message when no host installed the bridge (the page was opened on its own). */
function NoBridge() {
  return (
    <div className="fatal" role="alert">
      <h1>Lookout cannot reach its core</h1>
      <p>
        This page must be opened by the Lookout desktop app, or by its browser host (
        <code>npm start</code>) at the address it printed (
        <code>Open: http://127.0.0.1:…/?k=…</code>, also kept in <code>browser-host.json</code> in
        Lookout's data folder).
      </p>
      <p>
        To look around with demo data instead, open{' '}
        <a href="?fake=1#/dashboard">this page with ?fake=1</a>.
      </p>
    </div>
  );
}

/** Full-page message when the browser host refuses this tab's key: say exactly what to do. */
function WrongKey() {
  return (
    <div className="fatal" role="alert">
      <h1>This tab's key to Lookout is out of date</h1>
      <p>
        Lookout is running, but it no longer accepts the key this tab was opened with: a new one was
        made (<code>--new-secret</code>), or this address belongs to another Lookout data folder.
        Nothing is lost.
      </p>
      <p>
        Open the address Lookout printed when it started (the line{' '}
        <code>Open: http://127.0.0.1:…/?k=…</code>
        ); it is also kept in <code>browser-host.json</code> in Lookout's data folder. That address
        stays the same from one start to the next.
      </p>
    </div>
  );
}

async function boot(): Promise<void> {
  const el = document.getElementById('root');
  if (!el) return;
  const root = createRoot(el);
  const source = await getBridge();
  if (source.kind === 'missing') {
    root.render(<NoBridge />);
    return;
  }
  const store = createAppStore({ demo: source.kind === 'demo' });
  const report = createErrorReporter(source.bridge);
  // Errors outside rendering (event handlers, timers, promises) reach the log file too.
  window.addEventListener('error', (event) =>
    report({ scope: 'window', ...describeThrown(event.error ?? event.message), at: Date.now() }),
  );
  window.addEventListener('unhandledrejection', (event) =>
    report({ scope: 'promise', ...describeThrown(event.reason), at: Date.now() }),
  );
  if (source.kind === 'host')
    void source.refused?.then(() => {
      root.render(<WrongKey />);
      document.title = 'Lookout: open the address it printed';
    });
  bindWindow(store);
  bindBridge(store, source.bridge);
  if (source.kind === 'demo') {
    const params = new URLSearchParams(location.search);
    if (params.get('welcome') === '1')
      void store.getState().updateSettings({ firstRunDone: false });
    if (params.get('live') !== '0') source.start();
  }
  root.render(
    <StrictMode>
      <ErrorBoundary
        scope="Lookout"
        fullPage
        report={report}
        context={() => errorContext(store.getState())}
      >
        <StoreContext value={store}>
          <AppShell />
        </StoreContext>
      </ErrorBoundary>
    </StrictMode>,
  );
}

void boot();
