import { explainHandshakeStatus } from '../../../../shared/close-codes';
import type { AttemptRecord } from '../../../../shared/model/connection';
import { ServerText } from '../../ui/server-text';

/**
 * The HTTP side of one attempt's upgrade: the request line and headers Lookout sent (secrets
 * redacted by the core when it recorded them), the server's status, headers and the start of a
 * refusal's body, and the route and TLS facts the transport recorded. What a support engineer
 * would otherwise reach for curl or DevTools to see.
 */
export function HandshakeView({ attempt }: { attempt: AttemptRecord }) {
  const h = attempt.handshake;
  const t = attempt.transport;
  const status = h?.response?.status;
  return (
    <section className="handshake" aria-label={`Handshake of attempt ${attempt.n}`}>
      <h3 className="subhead">Handshake of attempt {attempt.n}</h3>
      {!h ? (
        <p className="muted">
          No request went out on this attempt (it ended before: credentials, DNS or the network).
        </p>
      ) : (
        <div className="handshake__grid">
          <div>
            <h4 className="handshake__title">Request</h4>
            {h.request ? (
              <>
                <code className="handshake__line">
                  <ServerText text={`${h.request.method} ${h.request.target} HTTP/1.1`} max={500} />
                </code>
                <HeaderTable headers={h.request.headers} label="Request headers" />
              </>
            ) : (
              <p className="muted">Not recorded.</p>
            )}
          </div>
          <div>
            <h4 className="handshake__title">Response</h4>
            {h.response && status !== undefined ? (
              <>
                <code className={`handshake__line ${status === 101 ? 'text-ok' : 'text-bad'}`}>
                  <ServerText text={`HTTP/1.1 ${status} ${h.response.statusText}`} max={200} />
                </code>
                {status !== 101 ? (
                  <p className="small">{explainHandshakeStatus(status).meaning}</p>
                ) : null}
                <HeaderTable headers={h.response.headers} label="Response headers" />
                {h.response.body !== undefined ? (
                  <>
                    <h4 className="handshake__title">
                      Body{h.response.bodyTruncated ? ' (first KB)' : ''}
                    </h4>
                    <pre className="pre handshake__body" aria-label="Response body">
                      <ServerText text={h.response.body || '(empty)'} max={1_100} />
                    </pre>
                  </>
                ) : null}
              </>
            ) : (
              <p className="muted">
                No answer from the server
                {attempt.outcome?.error ? ` (${attempt.outcome.error})` : ''}.
              </p>
            )}
          </div>
        </div>
      )}
      {t ? (
        <dl className="kv small">
          <dt>Route</dt>
          <dd>
            <span className="mono">{t.route.via}</span> to <span className="mono">{t.target}</span>{' '}
            ({t.route.why})
          </dd>
          {t.tls ? (
            <>
              <dt>TLS</dt>
              <dd>
                {t.tls.trusted ? 'certificate accepted' : `refused (${t.tls.verifyError ?? 'pin'})`}
                {t.tls.protocol ? `, ${t.tls.protocol}` : ''}, for {t.tls.servername}
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
    </section>
  );
}

function HeaderTable({ headers, label }: { headers: Record<string, string>; label: string }) {
  const entries = Object.entries(headers);
  if (entries.length === 0) return <p className="muted small">No headers.</p>;
  return (
    <table className="table table--compact handshake__headers" aria-label={label}>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row" className="mono">
              <ServerText text={k} max={80} />
            </th>
            <td className="mono">
              <ServerText text={v} max={300} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
