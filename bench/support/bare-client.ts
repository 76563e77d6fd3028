import WebSocket from 'ws';

/**
 * The reference client: a bare `ws` socket that only parses each frame as JSON. What it reaches
 * is the limit of this machine for the same sender, socket and frames.
 */
export interface BareClient {
  socket: WebSocket;
  close(): Promise<void>;
}

export function bareClient(
  url: string,
  onFrame: (frame: Record<string, unknown>) => void,
  headers: Record<string, string> = {},
): Promise<BareClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false });
    socket.on('message', (data) => onFrame(JSON.parse(String(data)) as Record<string, unknown>));
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        socket,
        close: () =>
          new Promise<void>((done) => {
            if (socket.readyState === WebSocket.CLOSED) return done();
            const timer = setTimeout(() => {
              socket.terminate();
              done();
            }, 2_000);
            socket.once('close', () => {
              clearTimeout(timer);
              done();
            });
            socket.close();
          }),
      }),
    );
  });
}
