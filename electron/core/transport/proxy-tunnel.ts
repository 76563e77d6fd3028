/** `openTunnel`: asks an HTTP proxy for a CONNECT tunnel to the server, and names what went wrong. */
import type { Duplex } from 'node:stream';
import type { TransportProblem } from '../../../shared/model/transport';

/** A proxy's head larger than this is no proxy we can talk to. */
const MAX_HEAD_BYTES = 16 * 1024;

/** Why a CONNECT did not give us a tunnel: the problem code and the proxy's status line. */
export class TunnelError extends Error {
  override readonly name = 'TunnelError';
  constructor(
    readonly problem: TransportProblem,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** The problem a CONNECT answer stands for. */
export function problemOfConnectStatus(status: number): TransportProblem {
  // tinyproxy answers a wrong password with 401 (a missing one with 407): both mean "not you".
  if (status === 407 || status === 401) return 'PROXY_AUTH_REQUIRED';
  if (status === 403) return 'PROXY_DENIED';
  // tinyproxy answers 500 "Unable to connect", squid 503, others 502 / 504.
  if (status === 500 || status === 502 || status === 503 || status === 504)
    return 'PROXY_CANNOT_REACH_HOST';
  return 'PROXY_BAD_ANSWER';
}

/**
 * Ask an HTTP proxy, over an open socket to it, for a tunnel to `host:port` (`CONNECT`, RFC 9110
 * §9.3.6) and wait for its answer. Resolves once the proxy said 200: the socket then carries our
 * bytes to the server (TLS for wss/https, plain for ws/http, as Chromium tunnels WebSockets).
 * Anything else rejects with a `TunnelError` naming the case (407, 403, cannot reach the host),
 * and not one byte of our request has been sent to anyone.
 */
export function openTunnel(
  socket: Duplex,
  target: { host: string; port: number },
  proxyAuthorization?: string,
): Promise<void> {
  const authority = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  const lines = [
    `CONNECT ${authority} HTTP/1.1`,
    `Host: ${authority}`,
    ...(proxyAuthorization ? [`Proxy-Authorization: ${proxyAuthorization}`] : []),
    '',
    '',
  ];
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
    };
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onEnd = () =>
      fail(
        new TunnelError('PROXY_BAD_ANSWER', 'the proxy closed the connection without answering'),
      );
    const onError = (error: Error) => fail(error);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEAD_BYTES)
          fail(new TunnelError('PROXY_BAD_ANSWER', 'the proxy’s answer has no end'));
        return;
      }
      cleanup();
      // Flowing mode must stop with our listener gone, or the server's first bytes would be lost.
      socket.pause();
      const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1').slice(0, 200);
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
      if (!match) {
        reject(new TunnelError('PROXY_BAD_ANSWER', `it answered "${statusLine}"`));
        return;
      }
      const status = Number(match[1]);
      if (status < 200 || status > 299) {
        reject(new TunnelError(problemOfConnectStatus(status), statusLine));
        return;
      }
      // Bytes after the head belong to the tunnel (a server that speaks first).
      const rest = head.subarray(end + 4);
      if (rest.length) socket.unshift(rest);
      resolve();
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onError);
    socket.write(lines.join('\r\n'));
  });
}
