import { useApp, useAppStore } from './store-context';

/**
 * Shown after the desktop host reloaded a crashed or hung window: what happened, that nothing was
 * lost (the main process kept the connections and the model), and where the report is.
 */
export function RecoveryNotice() {
  const store = useAppStore();
  const recovered = useApp((s) => s.recovered);
  if (!recovered) return null;
  const when = new Date(recovered.at).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
  });
  const what =
    recovered.cause === 'hung'
      ? `The window stopped responding (${recovered.reason}) at ${when} and was reloaded.`
      : `The window crashed (${recovered.reason}) at ${when} and was reloaded.`;
  const openLogs = () => {
    const bridge = store.getState().bridge;
    if (bridge) void bridge.invoke('logs:open', {}).catch(() => undefined);
  };
  return (
    <div className="banner banner--warn" role="alert">
      <div className="banner__text">
        <strong>{what}</strong>{' '}
        <span>Connections and notifications kept running in the background; nothing was lost.</span>{' '}
        {recovered.reportFile ? (
          <span>
            A crash report was saved: <code>{recovered.reportFile}</code>
          </span>
        ) : (
          <span>The crash report could not be saved; the log file has the details.</span>
        )}
      </div>
      <div className="banner__actions">
        <button type="button" className="btn btn--small" onClick={openLogs}>
          Open log folder
        </button>
        <button
          type="button"
          className="link-btn"
          onClick={() => store.getState().dismissRecovered()}
        >
          Dismiss
        </button>
      </div>
    </div>
  );
}
