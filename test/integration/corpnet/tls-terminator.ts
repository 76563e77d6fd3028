import { connect, type AddressInfo, type Socket } from 'node:net';
import { createServer, type Server } from 'node:tls';
import type { ServerIdentity } from './certificates';

/**
 * TLS in front of a plain server, as nginx or a load balancer terminates it in production: each
 * TLS connection on a loopback port is piped to `127.0.0.1:<target>`. Our gateway speaks plain
 * HTTP; this makes it `https://` and `wss://` with the test PKI's certificate.
 */
export async function startTlsTerminator(
  identity: ServerIdentity,
  targetPort: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer({ key: identity.key, cert: identity.cert }, (tlsSocket) => {
    const plain = connect({ host: '127.0.0.1', port: targetPort });
    tlsSocket.pipe(plain).pipe(tlsSocket);
    const end = () => {
      tlsSocket.destroy();
      plain.destroy();
    };
    tlsSocket.on('error', end);
    plain.on('error', end);
    tlsSocket.on('close', end);
    plain.on('close', end);
  });
  // Refused certificates end handshakes on purpose in these tests.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
