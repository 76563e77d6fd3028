import { formatDuration } from '../../selectors/format';
import { Dot } from '../../ui/common';
import { useApp, useAppStore } from '../../ui/store-context';
import { ServerText } from '../../ui/server-text';
import { PendingPanel } from './pending-panel';

const PROBE_TONE = { healthy: 'ok', degraded: 'warn', down: 'bad', unknown: 'muted' } as const;

/** The backend's HTTP health and stats probes, run on demand. */
export function Probes({ endpoint }: { endpoint: string }) {
  const store = useAppStore();
  const probes = useApp((s) => s.probes[endpoint]);
  return (
    <PendingPanel
      title="Health and stats probes"
      pending={probes}
      run={() => void store.getState().runProbes(endpoint)}
      label="Probe backend"
      runningLabel="Probing…"
      intro="Asks the backend's HTTP health and stats endpoints directly, outside the WebSocket."
      failure="The probe could not run"
    >
      {(results) =>
        results.length === 0 ? (
          <p className="muted">This backend has no HTTP probes.</p>
        ) : (
          <ul className="list">
            {results.map((p) => (
              <li key={p.name} className="list__row list__row--top">
                <div>
                  <div className="list__title">
                    <Dot tone={PROBE_TONE[p.status]} /> {p.name}: {p.summary}
                  </div>
                  <div className="sub mono">
                    GET {p.url} → {p.httpStatus ?? 'no answer'}
                    {p.durationMs !== null ? ` in ${formatDuration(p.durationMs)}` : ''}
                  </div>
                  {p.body ? (
                    <pre className="pre">
                      <ServerText text={p.body} max={2_000} />
                    </pre>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        )
      }
    </PendingPanel>
  );
}
