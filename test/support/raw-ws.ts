import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { waitFor } from './wait';

/** One frame the server sent (servers never mask). */
export interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

/**
 * A WebSocket client written by hand over a TCP socket, for what well-behaved libraries will not
 * do: stop reading while the server keeps sending (the kernel buffers fill, then the server's),
 * send PONGs nobody asked for, or never answer a PING. `ws` would answer pings and read for us.
 */
export class RawWebSocket {
  private pending: Buffer = Buffer.alloc(0);
  readonly frames: ServerFrame[] = [];
  /** Bytes of frames read so far (payload and headers). */
  bytesRead = 0;
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.take(chunk));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => (this.closed = true));
  }

  /** Open `path` on 127.0.0.1:`port` with extra header lines; rejects unless the answer is 101. */
  static open(port: number, path: string, headers: string[] = []): Promise<RawWebSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        const status = head.subarray(0, end).toString('latin1');
        if (!status.startsWith('HTTP/1.1 101')) {
          socket.destroy();
          reject(new Error(`upgrade refused: ${status.split('\r\n')[0]}`));
          return;
        }
        const client = new RawWebSocket(socket);
        client.take(head.subarray(end + 4));
        resolve(client);
      };
      socket.on('data', onData);
      socket.once('error', reject);
      socket.on('connect', () =>
        socket.write(
          [
            `GET ${path} HTTP/1.1`,
            `Host: 127.0.0.1:${port}`,
            'Connection: Upgrade',
            'Upgrade: websocket',
            'Sec-WebSocket-Version: 13',
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
            ...headers,
            '',
            '',
          ].join('\r\n'),
        ),
      );
    });
  }

  /** Stop reading: the bytes pile up in the kernel, then in the server's send buffer. */
  stopReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  /** Send one masked client frame (opcode 0x1 text, 0x9 ping, 0xA pong, 0x8 close). */
  send(opcode: number, payload: Buffer | string = Buffer.alloc(0)): void {
    const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const mask = randomBytes(4);
    const len = data.length;
    const header =
      len < 126
        ? Buffer.from([0x80 | opcode, 0x80 | len])
        : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff]);
    const masked = Buffer.from(data.map((b, i) => b ^ (mask[i % 4] ?? 0)));
    if (!this.socket.destroyed) this.socket.write(Buffer.concat([header, mask, masked]));
  }

  /** A PONG nobody asked for. */
  unsolicitedPong(payload = 'keepalive'): void {
    this.send(0xa, payload);
  }

  /** Text frames parsed as JSON. */
  json(): Array<Record<string, unknown>> {
    return this.frames
      .filter((f) => f.opcode === 0x1)
      .map((f) => JSON.parse(f.payload.toString('utf8')) as Record<string, unknown>);
  }

  /** The server's close frame (code and reason), once read. */
  closeFrame(): { code: number; reason: string } | null {
    const frame = this.frames.find((f) => f.opcode === 0x8);
    if (!frame || frame.payload.length < 2) return null;
    return { code: frame.payload.readUInt16BE(0), reason: frame.payload.subarray(2).toString() };
  }

  /** Read on until the server's close frame arrives. */
  async waitCloseFrame(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    this.resumeReading();
    return waitFor(() => this.closeFrame(), { timeoutMs, what: 'the close frame' });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private take(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (this.pending.length < 2) return;
      const opcode = (this.pending[0] ?? 0) & 0x0f;
      let len = (this.pending[1] ?? 0) & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.pending.length < 4) return;
        len = this.pending.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.pending.length < 10) return;
        len = Number(this.pending.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.pending.length < offset + len) return;
      this.frames.push({ opcode, payload: this.pending.subarray(offset, offset + len) });
      this.bytesRead += offset + len;
      this.pending = this.pending.subarray(offset + len);
    }
  }
}
