import type { SessionDiagnostics } from '../../../../shared/model/connection';
import { outcomeCodes } from '../../selectors/connection-health';
import { formatDuration } from '../../selectors/format';
import { Badge, ClockTime, Panel } from '../../ui/common';

/** The reconnect journal: attempts with their outcomes, and the state changes. */
export function Journal({ diag }: { diag: SessionDiagnostics }) {
  const attempts = [...diag.attempts].reverse();
  const timeline = [...diag.timeline].reverse().slice(0, 30);
  return (
    <Panel title="Reconnect journal">
      {attempts.length === 0 ? (
        <p className="muted">No connection attempts yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="table table--compact">
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">Started</th>
                <th scope="col">Trigger</th>
                <th scope="col" className="num">
                  Waited
                </th>
                <th scope="col">Lasted</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((a) => (
                <tr key={a.n}>
                  <td className="num mono">{a.n}</td>
                  <td className="mono">
                    <ClockTime at={a.startedAt} />
                  </td>
                  <td>{a.trigger}</td>
                  <td className="num mono">{a.delayMs ? formatDuration(a.delayMs) : '—'}</td>
                  <td className="mono">
                    {a.openedAt
                      ? a.endedAt
                        ? formatDuration(a.endedAt - a.openedAt)
                        : 'open now'
                      : a.endedAt
                        ? 'never opened'
                        : '…'}
                  </td>
                  <td className="meaning">
                    {a.outcome ? (
                      <>
                        {a.outcome.meaning} <code>{outcomeCodes(a.outcome)}</code>
                      </>
                    ) : a.openedAt && !a.endedAt ? (
                      <span className="text-ok">Connected</span>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3 className="subhead">State changes</h3>
      <ul className="timeline">
        {timeline.map((c, i) => (
          <li key={`${c.at}-${i}`}>
            <span className="mono muted">
              <ClockTime at={c.at} />
            </span>{' '}
            <Badge tone="muted">{c.from}</Badge> → <Badge tone="info">{c.to}</Badge>{' '}
            <span>{c.reason}</span>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
