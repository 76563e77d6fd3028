import { connect } from 'node:net';

/** What a server did with one raw request. */
export interface RawAnswer {
  /** Status of the first response line, or null when the server closed without answering. */
  status: number | null;
  /** Everything the server sent, as latin1 text (headers and body). */
  text: string;
  /** The server closed the connection (or reset it) before our wait ended. */
  closed: boolean;
}

/**
 * Send `bytes` exactly as given over a plain TCP socket and collect the answer. No HTTP client
 * in between, so nothing normalises a `//` target, a bad escape or a duplicate header before the
 * server sees it. Resolves when the server closes the connection, or `waitMs` after the first
 * byte of an answer (keep-alive), or after `timeoutMs` without one.
 */
export function rawRequest(
  port: number,
  bytes: string | Buffer,
  { timeoutMs = 5_000, waitMs = 150 } = {},
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let settled = false;
    let idle: ReturnType<typeof setTimeout> | null = null;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (idle) clearTimeout(idle);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: finalStatus(text), text, closed });
    };
    const deadline = setTimeout(() => finish(false), timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (idle) clearTimeout(idle);
      idle = setTimeout(() => finish(false), waitMs);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}

/** The status of the final response: interim answers (`100 Continue`) are skipped, `101` is final. */
function finalStatus(text: string): number | null {
  let rest = text;
  for (;;) {
    const match = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(rest);
    if (!match) return null;
    const status = Number(match[1]);
    const end = rest.indexOf('\r\n\r\n');
    if (status >= 200 || status === 101 || end < 0) return status;
    rest = rest.slice(end + 4);
    if (rest === '') return status;
  }
}

/** A request head with CRLF line ends: the request line, the header lines, then a blank line. */
export function requestHead(line: string, headers: ReadonlyArray<string> = []): string {
  return `${[line, ...headers].join('\r\n')}\r\n\r\n`;
}

/** Headers that make a request an RFC 6455 upgrade (so it takes the server's upgrade path). */
export const UPGRADE_HEADERS: ReadonlyArray<string> = [
  'Connection: Upgrade',
  'Upgrade: websocket',
  'Sec-WebSocket-Version: 13',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
];
