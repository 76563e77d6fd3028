import type { CheckStep } from '../../../../shared/model/diagnostics';
import { formatDuration } from '../../selectors/format';
import { useApp, useAppStore } from '../../ui/store-context';
import { ServerText } from '../../ui/server-text';
import { PendingPanel } from './pending-panel';
import { CauseList } from './cause-list';

const STEP_LABEL: Record<CheckStep['id'], string> = {
  dns: 'DNS lookup',
  tcp: 'TCP connect',
  proxy: 'Proxy',
  tls: 'TLS certificate',
  upgrade: 'WebSocket upgrade',
  auth: 'Authentication',
  subscribe: 'Subscribe',
  'round-trip': 'Round trip',
  delivery: 'Delivery',
};

const STEP_ICON: Record<CheckStep['status'], string> = {
  ok: '✓',
  failed: '✕',
  skipped: '–',
  warning: '!',
};

/** The on-demand connection check of one endpoint, step by step, with what to do. */
export function ConnectionCheck({ endpoint }: { endpoint: string }) {
  const store = useAppStore();
  const check = useApp((s) => s.checks[endpoint]);
  return (
    <PendingPanel
      title="Connection check"
      pending={check}
      run={() => void store.getState().runCheck(endpoint)}
      label="Run connection check"
      runningLabel="Checking…"
      primary
      intro="Walks DNS → TCP → upgrade → auth → subscribe → round trip with a separate test connection, and says in plain words where it fails and what to do."
      failure="The check could not run"
    >
      {(report) => (
        <>
          <div
            className={`callout callout--${!report.ok ? 'bad' : report.steps.some((s) => s.status === 'warning') ? 'warn' : 'ok'}`}
            role="status"
          >
            {report.summary}
          </div>
          {report.causes ? <CauseList causes={report.causes} /> : null}
          <ol className="steps">
            {report.steps.map((s) => (
              <li key={s.id} className={`step step--${s.status}`}>
                <span className="step__icon" aria-label={s.status}>
                  {STEP_ICON[s.status]}
                </span>
                <div>
                  <div className="step__name">
                    {STEP_LABEL[s.id]}
                    {s.durationMs !== undefined ? (
                      <span className="muted small"> · {formatDuration(s.durationMs)}</span>
                    ) : null}
                  </div>
                  <div className="step__detail">
                    <ServerText text={s.detail} max={600} />
                  </div>
                  {s.advice ? <div className="step__advice">What to do: {s.advice}</div> : null}
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
    </PendingPanel>
  );
}
