import { useState } from 'react';
import type { SessionDiagnostics, SupportAction } from '../../../../shared/model/connection';
import { outcomeCodes } from '../../selectors/connection-health';
import { formatDuration } from '../../selectors/format';
import { Badge, ClockTime, Panel } from '../../ui/common';
import { ServerText } from '../../ui/server-text';
import { HandshakeView } from './handshake-view';

const ACTION_LABEL: Record<SupportAction, string> = {
  ping: 'Ping now',
  resubscribe: 'Re-subscribe',
  reconnect: 'Reconnect',
  send: 'Raw frame',
};

/**
 * The reconnect journal: attempts with their outcomes (each with its handshake), the support
 * actions taken from here, and the state changes.
 */
export function Journal({
  diag,
}: {
  diag: Pick<SessionDiagnostics, 'attempts' | 'timeline' | 'actions'>;
}) {
  const attempts = [...diag.attempts].reverse();
  const timeline = [...diag.timeline].reverse().slice(0, 30);
  const actions = [...diag.actions].reverse().slice(0, 20);
  const [chosen, setChosen] = useState<number | null>(null);
  // The newest attempt's handshake unless another one was chosen (and is still kept).
  const shown = attempts.find((a) => a.n === chosen) ?? attempts[0];
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
                <th scope="col">
                  <span className="sr-only">Handshake</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((a) => (
                <tr key={a.n} className={a === shown ? 'is-selected' : undefined}>
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
                  <td>
                    <button
                      type="button"
                      className="btn btn--small"
                      aria-pressed={a === shown}
                      aria-label={`Handshake of attempt ${a.n}`}
                      onClick={() => setChosen(a.n)}
                    >
                      Handshake
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {shown ? <HandshakeView attempt={shown} /> : null}
      {actions.length > 0 ? (
        <>
          <h3 className="subhead">Support actions</h3>
          <ul className="journal__actions" aria-label="Support actions">
            {actions.map((a, i) => (
              <li key={`${a.at}-${i}`} className={a.ok ? undefined : 'text-warn'}>
                <span className="mono muted">
                  <ClockTime at={a.at} />
                </span>{' '}
                <strong>{ACTION_LABEL[a.action]}</strong>
                {a.ok ? ': ' : ' refused: '}
                <ServerText text={a.detail} max={300} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
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
