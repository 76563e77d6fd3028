import type { HandshakeExchange } from '../../../shared/model/connection';
import type { Redactor } from '../kernel/redact';
import type { SocketFacts } from './instrumented-socket';

/**
 * The upgrade's HTTP exchange as the journal keeps it, redacted when recorded (never later):
 * secret-named headers (Authorization, Cookie, X-Auth…) and query parameters (`token=`…) are
 * replaced, and every known secret value is scrubbed wherever it appears, body included.
 */

/** The request Lookout is about to send (before any answer shows what ws added). */
export function plannedRequest(
  url: string,
  headers: Record<string, string>,
  redactor: Redactor,
): NonNullable<HandshakeExchange['request']> {
  return {
    method: 'GET',
    target: requestTarget(url, redactor),
    headers: redactor.headers(headers),
  };
}

/** The exchange once the socket knows more: the request as sent, the status, headers and body. */
export function handshakeExchange(
  facts: SocketFacts,
  planned: HandshakeExchange | undefined,
  redactor: Redactor,
): HandshakeExchange | undefined {
  const request = facts.request
    ? {
        method: facts.request.method,
        target: redactor.url(`http://host${facts.request.target}`).replace(/^http:\/\/host/, ''),
        headers: redactor.headers(facts.request.headers),
      }
    : planned?.request;
  const headers = facts.upgradeHeaders ?? facts.handshakeHeaders;
  const response = facts.response
    ? {
        status: facts.response.status,
        statusText: redactor.text(facts.response.statusText),
        headers: headers ? redactor.headers(headers) : {},
        ...(facts.response.body !== undefined ? { body: redactor.text(facts.response.body) } : {}),
        ...(facts.response.bodyTruncated ? { bodyTruncated: true } : {}),
      }
    : undefined;
  if (!request && !response) return undefined;
  return { ...(request ? { request } : {}), ...(response ? { response } : {}) };
}

/** Path and query of `url`, secret query parameters redacted. */
function requestTarget(url: string, redactor: Redactor): string {
  try {
    const u = new URL(redactor.url(url));
    return `${u.pathname}${u.search}`;
  } catch {
    return redactor.text(url);
  }
}
