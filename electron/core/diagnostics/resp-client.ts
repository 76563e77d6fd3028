import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/**
 * The few Redis commands the deafness probe sends (AUTH, PING, PUBSUB NUMSUB), over RESP2 on one
 * short-lived connection. Hand-written on purpose: the desktop app ships no Redis client (the
 * gateway's `@redis/client` stays out of `main.cjs`, see scripts/build-main.ts), and a read-only
 * probe needs four reply types, not a client with pooling, pub/sub and reconnects.
 */

/** A RESP2 reply: simple string, integer, bulk string (null for nil), array, or an error reply. */
export type RespValue = string | number | null | RespValue[] | RespError;

/** An error reply from the server (`-WRONGPASS …`): an answer, not a transport failure. */
export class RespError extends Error {
  override readonly name = 'RespError';
}

/** Longest reply accepted (a NUMSUB answer for 50 channels is a few KB). */
const MAX_REPLY_BYTES = 1024 * 1024;

/** Encodes a command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
  return Buffer.from(parts.join(''), 'utf8');
}

/**
 * Parses one complete reply at the start of `buf`: the value and the bytes it used, or null when
 * more bytes are needed. Throws on a malformed reply.
 */
export function parseReply(buf: Buffer, start = 0): { value: RespValue; end: number } | null {
  const lineEnd = buf.indexOf('\r\n', start);
  if (lineEnd < 0) return null;
  const type = String.fromCharCode(buf[start] ?? 0);
  const line = buf.toString('utf8', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new RespError(line), end: next };
    case ':':
      return { value: integer(line), end: next };
    case '$': {
      const length = integer(line);
      if (length < 0) return { value: null, end: next };
      if (buf.length < next + length + 2) return null;
      return { value: buf.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = integer(line);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let at = next;
      for (let i = 0; i < count; i += 1) {
        const item = parseReply(buf, at);
        if (!item) return null;
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new Error(`not a Redis reply (starts with ${JSON.stringify(type)})`);
  }
}

function integer(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`not a Redis integer: ${text.slice(0, 40)}`);
  return n;
}

/** One connection that sends a command and waits for its reply, one at a time. */
export class RespConnection {
  private buffer = Buffer.alloc(0);
  private waiting: { resolve: (v: RespValue) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('the connection closed')));
  }

  /** Connects to `redis://` or `rediss://` (TLS) `host:port`, bounded by `timeoutMs`. */
  static connect(url: string, timeoutMs: number): Promise<RespConnection> {
    const u = new URL(url);
    const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
    const port = Number(u.port || 6379);
    const tls = u.protocol === 'rediss:';
    return new Promise((resolve, reject) => {
      const socket = tls
        ? tlsConnect({ host, port, servername: host })
        : netConnect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const onError = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      socket.once('error', onError);
      socket.once(tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(new RespConnection(socket));
      });
    });
  }

  /** Sends one command; resolves with its reply (an error reply resolves as a `RespError`). */
  command(args: readonly string[]): Promise<RespValue> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiting) return Promise.reject(new Error('one command at a time'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(encodeCommand(args));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (this.buffer.length > MAX_REPLY_BYTES) {
      this.fail(new Error('the reply is too large'));
      this.socket.destroy();
      return;
    }
    let parsed: ReturnType<typeof parseReply>;
    try {
      parsed = parseReply(this.buffer);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      this.socket.destroy();
      return;
    }
    if (!parsed) return;
    this.buffer = this.buffer.subarray(parsed.end);
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve(parsed.value);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(error);
  }
}
