import type { SessionDiagnostics } from '../../../shared/model/connection';
import type { TransportFacts } from '../../../shared/model/transport';
import { Panel } from '../ui/common';
import { ServerText } from '../ui/server-text';

const SOURCE_TEXT: Record<TransportFacts['route']['source'], string> = {
  endpoint: 'this endpoint’s setting',
  system: 'the system proxy settings',
  environment: 'the environment (HTTPS_PROXY…)',
  loopback: 'loopback (never proxied)',
};

/** The latest attempt's route and certificate facts, or null before any attempt reached them. */
export function latestTransport(diag: SessionDiagnostics): TransportFacts | null {
  for (let i = diag.attempts.length - 1; i >= 0; i -= 1) {
    const facts = diag.attempts[i]?.transport;
    if (facts) return facts;
  }
  return null;
}

/**
 * "Network path": how the last connection reached the server (direct or which proxy, decided by
 * whom and why, PAC fallbacks) and the certificate chain the server presented, with what it was
 * checked against. Certificate names come from the server: shown as server text.
 */
export function TransportPanel({ diag }: { diag: SessionDiagnostics }) {
  const facts = latestTransport(diag);
  if (!facts) return null;
  const { route, tls } = facts;
  return (
    <Panel title="Network path">
      <dl className="kv">
        <dt>Route</dt>
        <dd>
          <span className="mono">{route.via}</span> to <span className="mono">{facts.target}</span>,
          chosen by {SOURCE_TEXT[route.source]} ({route.why})
          {route.proxyAuth ? `; proxy password: ${route.proxyAuth}` : ''}
        </dd>
        {route.fellBack?.length ? (
          <>
            <dt>Tried first</dt>
            <dd>{route.fellBack.join('; ')}</dd>
          </>
        ) : null}
        {tls ? (
          <>
            <dt>TLS</dt>
            <dd>
              {tls.trusted ? (
                <span className="text-ok">certificate accepted</span>
              ) : (
                <span className="text-bad">certificate refused ({tls.verifyError ?? 'pin'})</span>
              )}
              {tls.protocol ? `, ${tls.protocol}` : ''}, for {tls.servername}
            </dd>
            <dt>Trusted</dt>
            <dd>
              {tls.trust.pinnedSha256 ? (
                <span className="text-warn">
                  only the pinned certificate {tls.trust.pinnedSha256} (discouraged)
                </span>
              ) : (
                tls.trust.sources.join(', ')
              )}
            </dd>
          </>
        ) : null}
      </dl>
      {tls?.chain.length ? (
        <ol className="cert-chain small">
          {tls.chain.map((cert) => (
            <li key={cert.fingerprint256}>
              <div>
                <strong>
                  <ServerText text={cert.subject || '(no subject)'} max={200} />
                </strong>
                {cert.selfSigned ? ' (self-signed)' : ''}
              </div>
              <div>
                issued by <ServerText text={cert.issuer || '(no issuer)'} max={200} />
              </div>
              {cert.altNames ? (
                <div>
                  names <ServerText text={cert.altNames} max={300} />
                </div>
              ) : null}
              <div>
                valid {cert.validFrom} → {cert.validTo}
              </div>
              <div className="mono">SHA-256 {cert.fingerprint256}</div>
            </li>
          ))}
        </ol>
      ) : null}
    </Panel>
  );
}
