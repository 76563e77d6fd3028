import { useShallow } from 'zustand/react/shallow';
import { welcomeSituation } from '../selectors/welcome';
import { useApp, useAppStore } from '../ui/store-context';

/** First run: what Lookout is, that it runs against the demo gateway, how to add a real backend. */
export function WelcomePanel() {
  const store = useAppStore();
  const situation = useApp(useShallow((s) => welcomeSituation(s.endpoints, s.health)));
  const dismiss = () =>
    void store
      .getState()
      .updateSettings({ firstRunDone: true })
      .catch(() => undefined);
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <div>
        <h2 id="welcome-title">Welcome to Lookout</h2>
        <p>
          Lookout watches your real-time backends for you: it keeps signed-in WebSocket connections
          open, shows new businesses, stats and task progress live, and raises a desktop
          notification when something needs you — also while this window is closed.
        </p>
        <p>
          {situation.kind === 'demo' ? (
            <>
              Right now it {situation.connected ? 'is connected' : 'is connecting'} to{' '}
              <strong>{situation.name}</strong>, a small gateway built into Lookout that produces
              sample data, so you can try everything safely. To watch a real backend, open{' '}
              <strong>Settings → Endpoints</strong>, choose <em>Add endpoint</em>, pick its protocol
              and sign in.
            </>
          ) : situation.kind === 'configured' ? (
            <>
              You have {situation.count === 1 ? 'one backend' : `${situation.count} backends`}{' '}
              configured, {situation.connected} of them connected now. Add or change backends in{' '}
              <strong>Settings → Endpoints</strong>.
            </>
          ) : (
            <>
              Right now no backend is configured. To watch one, open{' '}
              <strong>Settings → Endpoints</strong>, choose <em>Add endpoint</em>, pick its protocol
              and sign in.
            </>
          )}
        </p>
      </div>
      <div className="welcome__actions">
        <button
          type="button"
          className="btn btn--primary"
          onClick={() => store.getState().navigate('settings')}
        >
          Add a backend
        </button>
        <button type="button" className="btn" onClick={dismiss}>
          Got it
        </button>
      </div>
    </section>
  );
}
