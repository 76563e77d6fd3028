import { endpointName, healthRow } from '../../selectors/connection-health';
import { formatDuration } from '../../selectors/format';
import { ClockTime, Dot, EmptyState, RelativeTime } from '../../ui/common';
import { useApp, useAppStore } from '../../ui/store-context';
import { useNow } from '../../ui/ticker';
import { RttSpark } from './rtt-spark';

/**
 * Every connection's health at a glance: state, last data, RTT, reconnects, last ending. In a
 * narrow panel the chart, the reconnect count and then RTT give way (CSS container queries on
 * `.table-fit`); the endpoint's detail shows those figures.
 */
export function HealthTable({ selected }: { selected: string | null }) {
  const store = useAppStore();
  const connections = useApp((s) => s.connections);
  const health = useApp((s) => s.health);
  const endpoints = useApp((s) => s.endpoints);
  const now = useNow();
  const rows = Object.values(connections).map((d) =>
    healthRow(d, endpointName(endpoints, d.endpoint), now, health[d.endpoint]),
  );
  if (rows.length === 0) {
    return (
      <EmptyState title="No connections" icon="⚡">
        Add an endpoint in Settings to see its connection health here.
      </EmptyState>
    );
  }
  return (
    <div className="table-scroll table-fit">
      <table className="table table--health">
        <thead>
          <tr>
            <th scope="col">Endpoint</th>
            <th scope="col">State</th>
            <th scope="col">Last data</th>
            <th scope="col" className="col-rtt">
              RTT p50 / p95
            </th>
            <th scope="col" className="spark-col col-spark">
              <span className="sr-only">RTT chart</span>
            </th>
            <th scope="col" className="num col-reconnects">
              Reconnects
            </th>
            <th scope="col">Last close / handshake</th>
          </tr>
        </thead>
        <tbody>
          {rows.flatMap((r) => [
            <tr key={r.endpoint} className={selected === r.endpoint ? 'is-selected' : undefined}>
              <td>
                <button
                  type="button"
                  className="row-link"
                  aria-current={selected === r.endpoint ? 'true' : undefined}
                  onClick={() => store.getState().navigate(`diagnostics/${r.endpoint}`)}
                >
                  {r.name}
                </button>
                <div className="sub">
                  {r.dialect} · {r.subscriptions.length} channel
                  {r.subscriptions.length === 1 ? '' : 's'}
                </div>
              </td>
              <td>
                <span className="state">
                  <Dot tone={r.tone} />
                  {r.stateLabel}
                </span>
                <div className="sub">
                  since <RelativeTime at={r.since} />
                </div>
              </td>
              <td className={r.stale ? 'text-warn' : undefined}>
                {r.lastDataAgeMs === null ? '—' : `${formatDuration(r.lastDataAgeMs)} ago`}
                {r.delivery ? (
                  <div className="sub">
                    <Dot tone={r.delivery.tone} /> {r.delivery.label}
                  </div>
                ) : null}
              </td>
              <td className="mono col-rtt">
                {r.p50Ms === null ? '—' : `${r.p50Ms} / ${r.p95Ms ?? '—'} ms`}
              </td>
              <td className="spark-col col-spark">
                <RttSpark row={r} />
              </td>
              <td className="num mono col-reconnects">{r.reconnects}</td>
              <td className="meaning">
                {r.lastCloseCode !== null ? (
                  <div title={r.lastCloseMeaning}>
                    <code>{r.lastCloseCode}</code> {r.lastCloseMeaning}
                  </div>
                ) : null}
                {r.lastHandshakeStatus !== null ? (
                  <div title={r.lastHandshakeMeaning}>
                    <code>HTTP {r.lastHandshakeStatus}</code> {r.lastHandshakeMeaning}
                  </div>
                ) : null}
                {r.lastCloseCode === null && r.lastHandshakeStatus === null ? (
                  <span className="muted">—</span>
                ) : null}
                {r.recoveredAt !== null ? (
                  <div className="sub text-ok">
                    recovered at <ClockTime at={r.recoveredAt} />
                  </div>
                ) : null}
              </td>
            </tr>,
            ...r.channels.map((c) => (
              <tr key={`${r.endpoint}#${c.name}`} className="channel-row">
                <td>
                  <span className="sub mono">└ {c.name}</span>
                </td>
                <td className={`sub${c.refused ? ' text-bad' : ''}`}>{c.status}</td>
                <td className="sub">
                  {c.lastEventAgeMs === null
                    ? 'no events yet'
                    : `${formatDuration(c.lastEventAgeMs)} ago`}
                </td>
                {/* One cell per column (no colspan), so a narrow panel can drop columns. */}
                <td className="sub num col-rtt">
                  {c.events.toLocaleString()} event{c.events === 1 ? '' : 's'}
                </td>
                <td className="col-spark" />
                <td className="col-reconnects" />
                <td className="sub meaning">
                  {c.dropped ? (
                    <div className="text-warn" title={c.dropped.details.join('\n')}>
                      {c.dropped.total.toLocaleString()} not applied: {c.dropped.summary}
                    </div>
                  ) : null}
                  {c.lastReset ? (
                    <div className="text-warn" title={c.lastReset.explanation}>
                      {c.lastReset.label} at <ClockTime at={c.lastReset.at} />:{' '}
                      {c.lastReset.explanation}
                    </div>
                  ) : null}
                  {c.resume ? <div className="mono">{c.resume}</div> : null}
                </td>
              </tr>
            )),
          ])}
        </tbody>
      </table>
    </div>
  );
}
