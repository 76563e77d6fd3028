import type { SessionDiagnostics } from '../../../../shared/model/connection';
import { endpointName, outcomeCodes } from '../../selectors/connection-health';
import { formatBytes, formatDuration, formatNumber } from '../../selectors/format';
import { ClockTime, Panel } from '../../ui/common';
import { useApp, useAppStore } from '../../ui/store-context';
import { FrameLog } from './frame-log';
import { TransportPanel } from '../transport-panel';
import { ServerText } from '../../ui/server-text';
import { ConnectionCheck } from './connection-check';
import { Probes } from './probes';
import { DeliveryPanel } from './delivery-panel';
import { ConnectionActions } from './connection-actions';
import { ExportButton } from './export-button';
import { Journal } from './journal';

/** Everything Diagnostics shows about one endpoint, below the health table. */
export function EndpointDetail({ diag }: { diag: SessionDiagnostics }) {
  const store = useAppStore();
  const name = useApp((s) => endpointName(s.endpoints, diag.endpoint));
  const canSignIn = useApp(
    (s) => s.endpoints.find((e) => e.id === diag.endpoint)?.authMethod !== 'none',
  );
  const health = useApp((s) => s.health[diag.endpoint]);
  const rejections = Object.entries(diag.rejections);
  const recovered = diag.recoveredAt !== null;
  return (
    <>
      <div className="page__head">
        <h2 className="section-title">{name}</h2>
        <div className="page__actions">
          {diag.state === 'auth-required' && canSignIn ? (
            <button
              type="button"
              className="btn btn--primary"
              onClick={() => store.getState().openSignIn(diag.endpoint)}
            >
              Sign in
            </button>
          ) : null}
          <button
            type="button"
            className="btn"
            // A support action: done now and written to the reconnect journal.
            onClick={() =>
              void store.getState().act({ endpoint: diag.endpoint, action: 'reconnect' })
            }
          >
            Reconnect now
          </button>
          <ExportButton
            label="Export session"
            request={{ what: 'session', endpoint: diag.endpoint }}
          />
        </div>
      </div>
      {diag.lastOutcome ? (
        <div className={`callout callout--${recovered ? 'muted' : 'warn'}`}>
          <strong>{recovered ? 'Previous failure:' : 'Last outcome:'}</strong>{' '}
          {diag.lastOutcome.meaning} <code>{outcomeCodes(diag.lastOutcome)}</code>
          {diag.lastOutcome.closeReason ? (
            <>
              {' '}
              Reason given: “<ServerText text={diag.lastOutcome.closeReason} max={200} />
              ”.
            </>
          ) : null}
          {diag.recoveredAt !== null ? (
            <>
              {' '}
              <span className="text-ok">
                Recovered at <ClockTime at={diag.recoveredAt} />.
              </span>
            </>
          ) : null}
          {diag.lastOutcome.advice && diag.recoveredAt === null ? (
            <div>What to do: {diag.lastOutcome.advice}</div>
          ) : null}
        </div>
      ) : null}
      {health ? <DeliveryPanel health={health} /> : null}
      <TransportPanel diag={diag} />
      <div className="grid grid--2">
        <Panel title="Connection">
          <dl className="kv">
            <dt>URL</dt>
            <dd className="mono">{diag.url}</dd>
            <dt>Protocol</dt>
            <dd>{diag.dialect}</dd>
            <dt>Channels</dt>
            <dd>{diag.subscriptions.length ? diag.subscriptions.join(', ') : '—'}</dd>
            <dt>Keepalive</dt>
            <dd>{diag.keepalive}</dd>
            <dt>Clock skew</dt>
            <dd>
              {diag.clockSkewMs === null
                ? 'not reported'
                : `${diag.clockSkewMs > 0 ? '+' : ''}${formatDuration(Math.abs(diag.clockSkewMs))}${diag.clockSkewMs < 0 ? ' behind' : ''} (server − us)`}
            </dd>
          </dl>
        </Panel>
        <Panel title="Counters">
          <dl className="kv kv--numbers">
            <dt>Frames in / out</dt>
            <dd>
              {formatNumber(diag.counters.framesIn)} / {formatNumber(diag.counters.framesOut)}
            </dd>
            <dt>Bytes in / out</dt>
            <dd>
              {formatBytes(diag.counters.bytesIn)} / {formatBytes(diag.counters.bytesOut)}
            </dd>
            <dt>Events</dt>
            <dd>{formatNumber(diag.counters.events)}</dd>
            <dt>Round trip p50 / p95</dt>
            <dd>
              {diag.rtt.p50Ms === null ? '—' : `${diag.rtt.p50Ms} / ${diag.rtt.p95Ms ?? '—'} ms`}
            </dd>
            <dt>Reconnects</dt>
            <dd>{formatNumber(diag.counters.reconnects)}</dd>
            <dt>Rejected frames</dt>
            <dd>
              {rejections.length ? (
                <ServerText text={rejections.map(([k, v]) => `${k}: ${v}`).join(', ')} max={400} />
              ) : (
                formatNumber(diag.counters.rejectedFrames)
              )}
            </dd>
            <dt>Server errors</dt>
            <dd>
              {diag.serverErrors.length === 0 ? (
                'none'
              ) : (
                <ServerText
                  text={diag.serverErrors
                    .slice(-3)
                    .map((e) => e.message)
                    .join(' · ')}
                  max={600}
                />
              )}
            </dd>
          </dl>
        </Panel>
      </div>
      <div className="grid grid--2">
        <ConnectionCheck endpoint={diag.endpoint} />
        <Probes endpoint={diag.endpoint} />
      </div>
      <ConnectionActions diag={diag} />
      <Journal diag={diag} />
      <FrameLog endpoint={diag.endpoint} />
    </>
  );
}
